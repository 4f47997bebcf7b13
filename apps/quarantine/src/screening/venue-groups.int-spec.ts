import { createEvent, dlqTopic, EventPayloads, Topics } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { eventually, http, startService, tap, TestService } from '../../../../test/support/services';
import { QuarantineService } from '../service';

/**
 * Venue screening groups (issue 18) on the quarantine side, through the real broker and database,
 * with this test answering in tracing's place: the answer's batches arriving out of order and
 * twice make the round once, with every member once; a repeat after the round changes nothing.
 */
describe('quarantine: a venue group answer in batches, out of order and twice', () => {
  let svc: TestService;
  let topics: TopicTap;
  const run = randomUUID().slice(0, 8);
  const p = (n: string) => `p-${run}-${n}`;
  const day = (offset: number) => new Date(Date.now() + 7 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    topics = await tap([Topics.TESTING, dlqTopic(Topics.CONTACTS)]);
    svc = await startService(QuarantineService, {
      QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
      QUARANTINE_SCREENING_INTERVAL_SECONDS: '0',
    });
  });

  afterAll(async () => {
    await Promise.all([svc?.close(), topics?.close()]);
  });

  const staff = (method: string, path: string, body?: unknown) =>
    http(svc.url, method, path, { role: 'quarantine', body });
  const answer = (req: EventPayloads['ScreeningGroupRequested'], batch: number, personIds: string[]) =>
    createEvent(
      'ScreeningGroupResolved',
      {
        requestId: req.requestId,
        planId: req.planId,
        round: req.round,
        batch,
        batches: 2,
        personIds,
        truncated: false,
        resolvedAt: new Date().toISOString(),
      },
      { source: '/tracing' },
    );

  it('makes the round once, when the last missing batch is in, whatever the order and repeats', async () => {
    const created = await staff('POST', '/screening-plans', {
      name: `Chợ ${run}`,
      areaCode: '20293', // not 20290, whose committee figures screening.e2e-spec reads as its own
      testType: 'PCR',
      venueIds: [`venue-${run}`],
      dailyPercent: 50,
      endsOn: day(5),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ groupKind: 'VENUES', rounds: [], groupSize: 0 });
    expect(created.body.pendingRounds).toEqual([expect.objectContaining({ round: 0, batchesReceived: 0 })]);
    const id = created.body.id;
    const [m] = await topics.waitFor(
      (x) => String(x.headers?.ce_type) === 'ScreeningGroupRequested' && x.key?.toString() === id,
    );
    const req = JSON.parse(m.value!.toString()) as EventPayloads['ScreeningGroupRequested'];
    expect(req).toMatchObject({ planId: id, round: 0, venueIds: [`venue-${run}`], venueCategories: [] });
    expect(Date.parse(req.until) - Date.parse(req.since)).toBe(14 * 86_400_000);

    const publisher = svc.app.get(EventPublisher);
    // The second batch first, then again under a new event id: the round waits for batch 0.
    await publisher.publish([answer(req, 1, [p('c'), p('d')]), answer(req, 1, [p('c'), p('d')])]);
    const waiting = await eventually('batch 1 to be kept', async () => {
      const b = (await staff('GET', `/screening-plans/${id}`)).body;
      return b.pendingRounds?.[0]?.batchesReceived === 1 ? b : undefined;
    });
    expect(waiting.rounds).toEqual([]);
    expect(waiting.pendingRounds[0]).toMatchObject({ batches: 2, batchesReceived: 1 });

    // Batch 0 names c again: four people, each once; 50 % a day → 2 tests in round 0.
    await publisher.publish([answer(req, 0, [p('a'), p('b'), p('c')])]);
    const made = await eventually('round 0 to be made', async () => {
      const b = (await staff('GET', `/screening-plans/${id}`)).body;
      return b.rounds?.length === 1 ? b : undefined;
    });
    expect(made).toMatchObject({ groupSize: 4, pendingRounds: [] });
    expect(made.rounds[0]).toMatchObject({ round: 0, groupSize: 4, due: 2, truncated: false });

    // Both batches again, and a bad batch number (dead-lettered): still one round of 2 tests.
    const bad = createEvent(
      'ScreeningGroupResolved',
      { ...answer(req, 0, []).payload, batch: 1, batches: 1 },
      {
        source: '/tracing',
      },
    );
    await publisher.publish([answer(req, 0, [p('e')]), answer(req, 1, [p('f')]), bad]);
    await topics.waitFor((x) => x.topic === dlqTopic(Topics.CONTACTS) && String(x.headers?.ce_id) === bad.meta.id);
    const after = (await staff('GET', `/screening-plans/${id}`)).body;
    expect(after).toMatchObject({ groupSize: 4 });
    expect(after.rounds).toHaveLength(1);
    expect(after.rounds[0]).toMatchObject({ due: 2, groupSize: 4 });
    const scheduled = await topics.waitFor(
      (x) => x.topic === Topics.TESTING && JSON.parse(x.value!.toString()).screeningPlanId === id,
      2,
    );
    expect(scheduled.map((x) => JSON.parse(x.value!.toString()).personId).sort()).toEqual([p('a'), p('b')]);
  });
});
