import { createEvent, SCREENING_GROUP_BATCH, Topics } from '@ct/contracts';
import { EventPublisher, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, eventually, http, startService, tap, TestService } from '../../../../test/support/services';
import { TracingService } from '../service';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Tracing's side of venue screening groups (issue 18), on the real broker and database: a
 * ScreeningGroupRequested is answered from the visit store with everyone who checked in at the
 * venues named or of the categories named inside [since, until), each once, in batches of
 * SCREENING_GROUP_BATCH; the request redelivered (same event id) is answered once.
 */
describe('tracing: screening group requests answered from the visit store', () => {
  let tracing: TestService;
  let pg: Client;
  let topics: TopicTap;
  const run = randomUUID().slice(0, 8);
  const category = `MARKET_${run.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  const [market, stall, other] = ['market', 'stall', 'other'].map((v) => `v-${run}-${v}`);

  beforeAll(async () => {
    topics = await tap([Topics.CONTACTS]);
    tracing = await startService(TracingService, { RETENTION_INTERVAL_MINUTES: '0' });
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([tracing?.close(), topics?.close(), pg?.end()]);
  });

  const checkIn = (personId: string, venueId: string, at: number) =>
    createEvent(
      'CheckInRecorded',
      {
        checkInId: `ci-${randomUUID()}`,
        personId,
        venueId,
        checkedInAt: iso(at),
        checkedOutAt: null,
        source: 'test-feed',
      },
      { source: '/test' },
    );

  it('answers with the people of the venues and categories inside the window, in batches, once', async () => {
    const set = await http(tracing.url, 'PUT', '/venues', {
      role: 'admin',
      body: { venues: [{ venueId: market, category }] },
    });
    expect(set).toMatchObject({ status: 200, body: { updated: 1 } });

    const now = Date.now();
    const since = now - 10 * HOUR;
    const until = now - 2 * HOUR;
    const traders = Array.from({ length: SCREENING_GROUP_BATCH + 1 }, (_, i) => `p-${run}-t${i}`);
    const events = [
      // Each trader twice at the market (found once), one at the stall (named by id).
      ...traders.map((p, i) => checkIn(p, market, since + (i % 60) * 60_000)),
      ...traders.slice(0, 10).map((p) => checkIn(p, market, until - HOUR)),
      checkIn(`p-${run}-stall`, stall, until - 60_000),
      // Not in the group: another venue, before since, at until (the window is half-open).
      checkIn(`p-${run}-other`, other, since + HOUR),
      checkIn(`p-${run}-early`, market, since - 60_000),
      checkIn(`p-${run}-late`, market, until),
    ];
    const publisher = tracing.app.get(EventPublisher);
    for (let i = 0; i < events.length; i += 2000) await publisher.publish(events.slice(i, i + 2000));
    await eventually(
      'every stay in the visit store',
      async () =>
        Number(
          (await pg.query('SELECT count(*)::int AS n FROM tracing.visits WHERE person_id LIKE $1', [`p-${run}-%`]))
            .rows[0].n,
        ) === events.length,
      60_000,
    );

    const planId = randomUUID();
    const request = createEvent(
      'ScreeningGroupRequested',
      {
        requestId: randomUUID(),
        planId,
        round: 3,
        venueIds: [stall],
        venueCategories: [category, 'NO_SUCH_CATEGORY'],
        since: iso(since),
        until: iso(until),
        requestedAt: iso(now),
      },
      { source: '/quarantine' },
    );
    await publisher.publish([request, request]); // the same event twice: one answer
    const answered = (m: TappedMessage) =>
      String(m.headers?.ce_type) === 'ScreeningGroupResolved' && m.key?.toString() === planId;
    const batches = (await topics.waitFor(answered, 2, 30_000)).map((m) => JSON.parse(m.value!.toString()));
    expect(batches.map((b) => [b.batch, b.batches, b.personIds.length])).toEqual([
      [0, 2, SCREENING_GROUP_BATCH],
      [1, 2, 2],
    ]);
    expect(batches[0]).toMatchObject({ requestId: request.payload.requestId, round: 3, truncated: false });
    const people = batches.flatMap((b) => b.personIds as string[]);
    expect(new Set(people).size).toBe(people.length);
    expect(people.sort()).toEqual([...traders, `p-${run}-stall`].sort());
    // The answers name the request as their cause.
    const [first] = topics.messages.filter(answered);
    expect(String(first.headers?.ce_causationid)).toBe(request.meta.id);

    // A later request of the same plan is answered on its own; the redelivery above was not.
    const empty = createEvent(
      'ScreeningGroupRequested',
      { ...request.payload, requestId: randomUUID(), round: 4, venueIds: [], venueCategories: ['NO_SUCH_CATEGORY'] },
      { source: '/quarantine' },
    );
    await publisher.publish([empty]);
    const all = await topics.waitFor(answered, 3, 30_000);
    expect(JSON.parse(all[2].value!.toString())).toMatchObject({
      requestId: empty.payload.requestId,
      round: 4,
      batch: 0,
      batches: 1,
      personIds: [],
    });
    expect(topics.messages.filter(answered)).toHaveLength(3);
  });
});
