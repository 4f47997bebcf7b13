import { CheckInRecorded, createEvent, dlqTopic, toKafkaHeaders, Topics } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { db, eventually, startService, tap, TestService } from '../../../../test/support/services';
import { TracingService } from '../service';
import { PurgeExpiredVisitsJob } from './purge-expired-visits/purge-expired-visits.job';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** The visit store against the real broker and database: tracing consumes checkins.v1 in batches. */
describe('visit store: checkins.v1 → tracing.visits', () => {
  let tracing: TestService;
  let pg: Client;
  let topics: TopicTap;
  let publisher: EventPublisher;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    topics = await tap([dlqTopic(Topics.CHECKINS)]);
    tracing = await startService(TracingService, { RETENTION_INTERVAL_MINUTES: '0' });
    publisher = tracing.app.get(EventPublisher);
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([tracing?.close(), topics?.close(), pg?.end()]);
  });

  const checkIn = (over: Partial<CheckInRecorded> = {}): CheckInRecorded => ({
    checkInId: `ci-${randomUUID()}`,
    personId: `p-${randomUUID()}`,
    venueId: `v-${run}-0`,
    checkedInAt: iso(Date.now() - 3 * HOUR),
    checkedOutAt: null,
    source: 'test-feed',
    ...over,
  });
  const event = (p: CheckInRecorded) => createEvent('CheckInRecorded', p, { source: '/test' });
  const count = async (where: string, params: unknown[]) =>
    Number((await pg.query(`SELECT count(*)::int AS n FROM tracing.visits WHERE ${where}`, params)).rows[0].n);
  const stored = (checkInId: string) =>
    eventually(
      `check-in ${checkInId} stored`,
      async () => (await pg.query('SELECT * FROM tracing.visits WHERE check_in_id = $1', [checkInId])).rows[0],
    );

  it('stores a batch of check-ins over several days and venues, one row each, with the default stay as end', async () => {
    const now = Date.now();
    const items = Array.from({ length: 2000 }, (_, i) =>
      checkIn({ venueId: `v-${run}-${i % 7}`, checkedInAt: iso(now - (i % 3) * DAY - 2 * HOUR - i * 1000) }),
    );
    await publisher.publish(items.map(event));
    await eventually('2000 stays', async () => (await count('venue_id LIKE $1', [`v-${run}-%`])) === 2000, 30000);
    const row = await stored(items[5].checkInId);
    expect(row.person_id).toBe(items[5].personId);
    expect(row.checked_out_at).toBeNull();
    expect(new Date(row.ends_at).getTime() - new Date(row.checked_in_at).getTime()).toBe(60 * 60_000);
    expect(row.source).toBe('test-feed');
    const days = await pg.query(
      'SELECT DISTINCT tableoid::regclass::text AS part FROM tracing.visits WHERE venue_id LIKE $1',
      [`v-${run}-%`],
    );
    expect(days.rows.length).toBe(3); // three day partitions were created on demand
  });

  it('stores nothing twice when a batch is delivered again (same events, and the same check-ins with new event ids)', async () => {
    const venue = `v-${run}-redeliver`;
    const items = Array.from({ length: 300 }, () => checkIn({ venueId: venue }));
    const events = items.map(event);
    await publisher.publish(events);
    await eventually('300 stays', async () => (await count('venue_id = $1', [venue])) === 300);
    await publisher.publish(events); // redelivery of the same events
    await publisher.publish(items.map(event)); // the feed's retry: same check-ins, new event ids
    const sentinel = checkIn({ venueId: venue });
    await publisher.publish([event(sentinel)]);
    await stored(sentinel.checkInId);
    expect(await count('venue_id = $1', [venue])).toBe(301);
  });

  it('completes a stay with a later check-out for the same checkInId, which a resent check-in does not undo', async () => {
    const venue = `v-${run}-late`;
    const first = checkIn({ venueId: venue });
    await publisher.publish([event(first)]);
    await stored(first.checkInId);
    const out = iso(Date.parse(first.checkedInAt) + 25 * 60_000);
    await publisher.publish([event({ ...first, checkedOutAt: out })]);
    const row = await eventually('check-out applied', async () => {
      const r = (await pg.query('SELECT * FROM tracing.visits WHERE check_in_id = $1', [first.checkInId])).rows[0];
      return r.checked_out_at ? r : undefined;
    });
    expect(new Date(row.checked_out_at).toISOString()).toBe(out);
    expect(new Date(row.ends_at).toISOString()).toBe(out);

    // The stale original again, then a sentinel behind it on the same partition.
    const sentinel = checkIn({ venueId: venue });
    await publisher.publish([event(first), event(sentinel)]);
    await stored(sentinel.checkInId);
    const after = (await pg.query('SELECT * FROM tracing.visits WHERE check_in_id = $1', [first.checkInId])).rows;
    expect(after).toHaveLength(1);
    expect(new Date(after[0].checked_out_at).toISOString()).toBe(out);

    // Check-in and check-out within one batch: one row, completed.
    const both = checkIn({ venueId: venue });
    const bothOut = iso(Date.parse(both.checkedInAt) + 10 * 60_000);
    await publisher.publish([event(both), event({ ...both, checkedOutAt: bothOut }), event(both)]);
    const r2 = await stored(both.checkInId);
    expect(new Date(r2.ends_at).toISOString()).toBe(bothOut);
    expect(await count('check_in_id = $1', [both.checkInId])).toBe(1);
  });

  it('dead-letters each kind of invalid check-in with its reason and still stores the next valid one', async () => {
    const venue = `v-${run}-bad`;
    const template = event(checkIn({ venueId: venue }));
    const headers = (id = randomUUID()) => toKafkaHeaders({ ...template.meta, id });
    const raw = (value: string, key = venue) => ({ topic: Topics.CHECKINS, key, value, headers: headers() });
    const future = checkIn({ venueId: venue, checkedInAt: iso(Date.now() + HOUR) });
    const futureOut = checkIn({
      venueId: venue,
      checkedInAt: iso(Date.now() - HOUR),
      checkedOutAt: iso(Date.now() + HOUR),
    });
    const old = checkIn({ venueId: venue, checkedInAt: iso(Date.now() - 30 * DAY) });
    const next = checkIn({ venueId: venue });
    await publisher.send([
      raw('{not json'),
      raw(JSON.stringify({ ...checkIn({ venueId: venue }), personId: undefined })),
      raw(JSON.stringify(checkIn({ venueId: venue, checkedInAt: 'yesterday' }))),
      raw(JSON.stringify({ ...checkIn({ venueId: venue }), checkedOutAt: iso(Date.now() - 10 * DAY) })),
      raw(JSON.stringify(checkIn({ venueId: 'another-venue' }))), // key mismatch
      raw(JSON.stringify(future)),
      raw(JSON.stringify(futureOut)),
      raw(JSON.stringify(old)),
      raw(JSON.stringify(next)),
    ]);
    await stored(next.checkInId);
    const dead = await topics.waitFor((m) => m.key?.toString() === venue, 8, 30000);
    const reasons = dead.map((m) => String(m.headers!.dlq_reason));
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/not valid JSON/),
        expect.stringMatching(/invalid CheckInRecorded payload/),
        expect.stringMatching(/key mismatch/),
        'check-in in the future',
        'check-out in the future',
        'check-in older than retention',
      ]),
    );
    const fieldsOf = (reason: string) =>
      dead
        .filter((m) => String(m.headers!.dlq_reason) === reason)
        .map((m) => JSON.parse(String(m.headers!.dlq_fields))[0].field);
    expect(fieldsOf('check-in in the future')).toEqual(['checkedInAt']);
    expect(fieldsOf('check-out in the future')).toEqual(['checkedOutAt']);
    const payloadFields = dead.flatMap((m) =>
      JSON.parse(String(m.headers!.dlq_fields)).map((f: { field: string }) => f.field),
    );
    expect(payloadFields).toEqual(
      expect.arrayContaining(['personId', 'checkedInAt', 'checkedOutAt', '(key)', '(value)']),
    );
    for (const bad of [future, futureOut, old]) expect(await count('check_in_id = $1', [bad.checkInId])).toBe(0);
    expect(dead.every((m) => String(m.headers!.dlq_group) === 'tracing')).toBe(true);
  });

  it('drops whole day partitions older than retention, counts what it purged and records the run', async () => {
    const day = (ago: number) => new Date(Date.now() - ago * DAY).toISOString().slice(0, 10);
    await pg.query('SELECT tracing.ensure_visit_partitions($1::date, $2::date)', [day(30), day(28)]);
    const insert = (agoDays: number, n: number) =>
      pg.query(
        `INSERT INTO tracing.visits (check_in_id, person_id, venue_id, checked_in_at, ends_at, source)
         SELECT 'old-' || $1 || '-' || g, 'p', 'v-old', ($2::date + time '10:00') AT TIME ZONE 'UTC', ($2::date + time '11:00') AT TIME ZONE 'UTC', 't'
         FROM generate_series(1, $3) g`,
        [`${run}-${agoDays}`, day(agoDays), n],
      );
    await insert(30, 5);
    await insert(29, 7);
    await insert(28, 0);
    const before = await count('true', []);

    const job = tracing.app.get(PurgeExpiredVisitsJob);
    const result = await job.run();
    expect(result).not.toBeNull();
    const mine = result!.droppedPartitions.filter((d) => [day(30), day(29), day(28)].includes(d.day));
    expect(mine.map((d) => [d.day, d.rows])).toEqual([
      [day(30), 5],
      [day(29), 7],
      [day(28), 0],
    ]);
    expect(await count('true', [])).toBe(before - 12);
    const left = await pg.query("SELECT to_regclass('tracing.visits_' || replace($1, '-', '')) AS t", [day(30)]);
    expect(left.rows[0].t).toBeNull();
    // Recent partitions stay.
    const recent = await pg.query("SELECT to_regclass('tracing.visits_' || replace($1, '-', '')) AS t", [day(0)]);
    expect(recent.rows[0].t).not.toBeNull();
    const runs = await pg.query('SELECT * FROM tracing.visit_retention_runs ORDER BY id DESC LIMIT 1');
    expect(Number(runs.rows[0].purged_rows)).toBe(result!.purgedRows);
    expect(runs.rows[0].dropped_partitions).toEqual(expect.arrayContaining([`visits_${day(30).replace(/-/g, '')}`]));
    const logged = readFileSync(tracing.logFile, 'utf8');
    expect(logged).toMatch(/visit retention: purged \d+ stays/);

    // A second run finds nothing more to drop; a run while another instance holds the lock skips.
    expect((await job.run())!.purgedRows).toBe(0);
    const other = await db();
    await other.query("SELECT pg_advisory_lock(hashtext('tracing:visit-retention'))");
    expect(await job.run()).toBeNull();
    await other.end();
  });
});
