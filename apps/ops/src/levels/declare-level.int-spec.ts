import { createEvent, Topics } from '@ct/contracts';
import { randomUUID } from 'node:crypto';
import { EventPublisher, MessagingObserver } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { eventually, http, startService, tap, testKafka, TestService } from '../../../../test/support/services';
import { OpsService } from '../service';

/**
 * PUT /areas/:code/level (issue 18): an admin declares an area's level for the committee; it is
 * published on surveillance.v1 like an assessed change (source DECLARED) and is in force until a
 * later change, while the assessed level stays beside it.
 */
describe('ops: a declared epidemic level', () => {
  let ops: TestService;
  let topics: TopicTap;
  let publisher: EventPublisher;
  const AREA = '20560'; // Phường Điện An (test/e2e/arrivals declares 503, 508 and 20557)
  const REASON = `cluster at the wholesale market ${randomUUID().slice(0, 8)}`;
  const fields = (res: { body: { details?: { field: string }[] } }) =>
    (res.body.details ?? []).map((d) => d.field).sort();

  beforeAll(async () => {
    topics = await tap([Topics.SURVEILLANCE]);
    ops = await startService(OpsService);
    publisher = new EventPublisher(testKafka('ops-levels-test'), new MessagingObserver());
  });

  afterAll(async () => {
    await Promise.all([ops?.close(), topics?.close(), publisher?.onApplicationShutdown()]);
  });

  const put = (role: 'admin' | 'tracer', body: unknown, area = AREA) =>
    http(ops.url, 'PUT', `/areas/${area}/level`, { role, body });

  it('refuses other roles, bad bodies (naming the field) and unknown areas', async () => {
    expect((await put('tracer', { level: 4, reason: 'market cluster' })).status).toBe(403);
    const bad = await put('admin', { level: 5, reason: '' });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['level', 'reason']);
    const newline = await put('admin', { level: 3, reason: 'two\u0000lines' });
    expect(fields(newline)).toEqual(['reason']);
    expect((await put('admin', { level: 3, reason: 'x' }, 'nowhere')).status).toBe(404);
    expect((await http(ops.url, 'PUT', `/areas/${AREA}/level`, { body: { level: 3, reason: 'x' } })).status).toBe(401);
  });

  it('publishes the declaration with the assessed level beside it; a later assessed change takes over', async () => {
    const res = await put('admin', { level: 4, reason: REASON });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ areaCode: AREA, level: 4, source: 'DECLARED', declaredBy: 'test-admin' });
    const assessed = res.body.assessedLevel as number;
    expect([1, 2, 3, 4]).toContain(assessed);

    // Other test files declare levels of this area too: this run's declaration is the one with its reason.
    const [msg] = await topics.waitFor(
      (m) =>
        m.key?.toString() === AREA &&
        String(m.headers?.ce_type) === 'EpidemicLevelChanged' &&
        JSON.parse(m.value!.toString()).reason === REASON,
    );
    expect(JSON.parse(msg.value!.toString())).toMatchObject({
      areaCode: AREA,
      level: 4,
      source: 'DECLARED',
      reason: REASON,
      assessedLevel: assessed,
    });

    const shown = await http(ops.url, 'GET', `/areas/${AREA}/level`, { role: 'tracer' });
    expect(shown.body).toMatchObject({
      level: assessed,
      inForce: { level: 4, source: 'DECLARED', reason: REASON },
      declared: { level: 4, source: 'DECLARED' },
    });

    // The next assessed change (published later) is in force; the declaration stays visible.
    const later = new Date(Date.parse(res.body.declaredAt) + 60_000).toISOString();
    await publisher.publish([
      createEvent(
        'EpidemicLevelChanged',
        { areaCode: AREA, previousLevel: 4, level: 2, weekStart: '2021-11-15', casesPer100k: 30, changedAt: later },
        { source: '/test' },
      ),
    ]);
    // A late-joining ops group first reads what earlier files left on every topic it follows (bursts
    // of thousands of lab results and tests): in CI that took longer than 20 s.
    const after = await eventually(
      'the assessed change in force',
      async () => {
        const r = await http(ops.url, 'GET', '/areas/levels', { role: 'ops' });
        const a = r.body.levels.find((l: { areaCode: string }) => l.areaCode === AREA);
        return a?.inForce?.source === 'ASSESSED' ? a : undefined;
      },
      90_000,
    );
    expect(after).toMatchObject({ inForce: { level: 2, changedAt: later }, declared: { level: 4 } });
  }, 120_000);
});
