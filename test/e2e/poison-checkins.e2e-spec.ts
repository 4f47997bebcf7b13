import { CheckInRecorded, createEvent, dlqTopic, toKafkaHeaders, Topics } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TracingService } from '../../apps/tracing/src/service';
import { db, eventually, http, startService, tap, TestService } from '../support/services';

const HOUR = 3_600_000;

/**
 * Issue 12: a poison check-in written straight onto checkins.v1 (bypassing the gateway) is refused
 * by the contract or by PostgreSQL and dead-lettered; the next check-in at the same venue (same
 * partition) is stored within seconds instead of waiting behind it forever.
 */
describe('poison check-ins on the real broker: dead-lettered, the partition moves on', () => {
  let tracing: TestService;
  let pg: Client;
  let topics: TopicTap;

  beforeAll(async () => {
    topics = await tap([dlqTopic(Topics.CHECKINS)]);
    tracing = await startService(TracingService, { RETENTION_INTERVAL_MINUTES: '0' });
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([tracing?.close(), topics?.close(), pg?.end()]);
  });

  const checkIn = (venueId: string, over: Partial<CheckInRecorded> = {}): CheckInRecorded => ({
    checkInId: `ci-${randomUUID()}`,
    personId: `p-${randomUUID()}`,
    venueId,
    checkedInAt: new Date(Date.now() - 2 * HOUR).toISOString(),
    checkedOutAt: null,
    source: 'test-feed',
    ...over,
  });

  /** The raw message, as a buggy or hostile producer would write it: no validation on the way. */
  const raw = (p: CheckInRecorded) => {
    const e = createEvent('CheckInRecorded', checkIn(p.venueId), { source: '/test' });
    return {
      id: e.meta.id,
      message: { topic: Topics.CHECKINS, key: p.venueId, value: JSON.stringify(p), headers: toKafkaHeaders(e.meta) },
    };
  };

  it.each([
    // Yesterday (UTC) at 08:00 with the offset: inside retention whenever the test runs.
    [
      'a UTC offset of +16:30 (PostgreSQL: time zone displacement out of range)',
      (v: string) =>
        checkIn(v, {
          checkedInAt: `${new Date(Date.now() - 24 * HOUR).toISOString().slice(0, 10)}T08:00:00.000+16:30`,
        }),
    ],
    [
      'a NUL character in the check-in id (PostgreSQL: invalid byte sequence)',
      (v: string) => checkIn(v, { checkInId: `ci-\u0000-${randomUUID()}` }),
    ],
  ])('%s', async (_what, poisonOf) => {
    const venue = `v-poison-${randomUUID()}`;
    const poison = raw(poisonOf(venue));
    const before = checkIn(venue);
    const after = checkIn(venue);
    const started = Date.now();
    await tracing.app.get(EventPublisher).send([raw(before).message, poison.message, raw(after).message]);

    const stored = await eventually(
      'the check-in after the poison stored',
      async () =>
        (await pg.query('SELECT check_in_id FROM tracing.visits WHERE venue_id = $1 ORDER BY check_in_id', [venue]))
          .rows.length === 2,
      15_000,
    );
    expect(stored).toBe(true);
    const seconds = (Date.now() - started) / 1000;
    const [dead] = await topics.waitFor((m) => String(m.headers?.ce_id) === poison.id);
    // Either refused at the contract (when it knows the poison) or by PostgreSQL as data (class 22).
    expect(String(dead.headers?.dlq_category)).toMatch(/^(contract|pg_22\w{3})$/);
    expect(String(dead.headers?.dlq_group)).toBe('tracing');
    const { rows } = await pg.query('SELECT check_in_id FROM tracing.visits WHERE venue_id = $1', [venue]);
    expect(rows.map((r) => r.check_in_id).sort()).toEqual([before.checkInId, after.checkInId].sort());
    expect(seconds).toBeLessThan(15);
    process.stderr.write(
      `poison (${String(dead.headers?.dlq_category)}): next check-in at the venue stored ${seconds.toFixed(1)} s after the send\n`,
    );
  });

  it('serves liveness and readiness apart, status only in public, details for role ops', async () => {
    const live = await http(tracing.url, 'GET', '/health/live');
    expect(live).toMatchObject({ status: 200, body: { status: 'ok', service: 'tracing' } });
    const ready = await http(tracing.url, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({
      database: { status: 'up' },
      kafka: { status: 'up' },
      consumer: { status: 'up' },
    });
    expect((await http(tracing.url, 'GET', '/health/details')).status).toBe(401);
    const details = await http(tracing.url, 'GET', '/health/details', { role: 'ops' });
    expect(details.status).toBe(200);
    expect(details.body.checks.database.latencyMs).toEqual(expect.any(Number));
    expect(details.body.checks.consumer.topics).toBeGreaterThan(0);
    const metrics = await http(tracing.url, 'GET', '/metrics', { role: 'ops' });
    expect(metrics.body).toMatch(/messaging_consumer_up\{group="tracing",service="tracing"\} 1/);
    expect(metrics.body).toMatch(
      /messaging_dead_letters_total\{topic="checkins\.v1",category="[\w]+",service="tracing"\} [1-9]/,
    );
  });
});
