import { Topics } from '@ct/contracts';
import { Outbox, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { withLogContext } from '@ct/platform';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, startService, tap, TestService } from '../../../../../test/support/services';
import { QuarantineService } from '../../service';
import { healthCheckRecorded } from '../care.events';
import { FollowUpRecordings } from './follow-up-recordings';
import { FollowUp, RecordedValues } from './follow-up.store';

/**
 * Recordings that arrive together share one read and one guarded write (FollowUpRecordings): each
 * must still get exactly its own answer, its own values and its own event, with its own
 * correlation, whatever else is in the batch.
 */
describe('follow-up recordings that arrive together', () => {
  let svc: TestService;
  let topics: TopicTap;
  let pg: Client;
  let recordings: FollowUpRecordings;
  let outbox: Outbox;
  const run = randomUUID().slice(0, 8);
  const AREA = `rb-${run}`;
  const at = new Date('2021-11-24T03:00:00Z');

  beforeAll(async () => {
    topics = await tap([Topics.CARE]);
    svc = await startService(QuarantineService, {
      QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
      CARE_PASS_INTERVAL_SECONDS: '0',
    });
    recordings = svc.app.get(FollowUpRecordings);
    outbox = svc.app.get(Outbox);
    pg = await db();
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await Promise.all([svc?.close(), topics?.close(), pg?.end()]);
  });

  /** n follow-ups due on 2021-11-24 (persons `${run}-${tag}-i`), as the daily pass makes them. */
  async function dueFollowUps(tag: string, n: number): Promise<string[]> {
    const ids = Array.from({ length: n }, () => randomUUID());
    await pg.query(
      `INSERT INTO quarantine.follow_ups (id, person_id, subject, order_id, area_code, due_on, slot, status, created_at)
       SELECT id, $2 || '-' || i, 'QUARANTINE', gen_random_uuid(), $3, '2021-11-24', 1, 'DUE', now()
         FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, i)`,
      [ids, `${run}-${tag}`, AREA],
    );
    return ids;
  }

  const valuesOf = (i: number): RecordedValues & { source: 'STAFF' } => ({
    status: 'DONE',
    source: 'STAFF',
    temperatureC: 36 + i / 10,
    spo2: 90 + (i % 10),
    symptoms: i % 2 ? ['RUNNY_NOSE', 'COUGH'] : [],
    warningSigns: [],
    note: `note ${i}`,
    by: `staff-${i}`,
  });

  /** Peeks follow-up `id` and writes values `v` in a request whose correlation is `correlationId`. */
  const recordAs = (correlationId: string, id: string, v: ReturnType<typeof valuesOf>) =>
    withLogContext({ correlationId }, async () => {
      const f = await recordings.peek(id, null);
      expect(f).not.toBeNull();
      return recordings.write(f as FollowUp, v, at, healthCheckRecorded(f as FollowUp, v, at.toISOString()));
    });

  it('writes sixteen at once in fewer statements, each with its own values and its own event', async () => {
    const ids = await dueFollowUps('many', 16);
    const writes = jest.spyOn(outbox, 'addIfEach');
    const answers = await Promise.all(ids.map((id, i) => recordAs(`corr-${run}-${i}`, id, valuesOf(i))));
    expect(answers).toEqual(ids.map(() => true));
    // Shared: fewer statements than requests, every request in one of them.
    const batches = writes.mock.calls.map(([, items]) => items.length);
    expect(batches.length).toBeLessThan(16);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(16);

    const { rows } = await pg.query(
      `SELECT id, status, temperature_c::float AS t, spo2, symptoms, note, recorded_by FROM quarantine.follow_ups WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    ids.forEach((id, i) => {
      const v = valuesOf(i);
      expect(byId.get(id)).toEqual({
        id,
        status: 'DONE',
        t: v.temperatureC,
        spo2: v.spo2,
        symptoms: v.symptoms,
        note: v.note,
        recorded_by: v.by,
      });
    });

    const mine = (m: TappedMessage) => String(m.key).startsWith(`${run}-many-`);
    const published = await topics.waitFor(mine, 16);
    await new Promise((r) => setTimeout(r, 500)); // a second event of any of them would be here by now
    const checks = topics.messages.filter(mine).map((m) => ({
      payload: JSON.parse(String(m.value)),
      correlationId: String(m.headers?.ce_correlationid),
    }));
    expect(published).toHaveLength(16);
    expect(checks).toHaveLength(16);
    for (const c of checks) {
      const i = ids.indexOf(c.payload.followUpId);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(c.correlationId).toBe(`corr-${run}-${i}`);
      expect(c.payload).toMatchObject({ temperatureC: valuesOf(i).temperatureC, symptoms: valuesOf(i).symptoms });
    }
  });

  it('writes a follow-up sent twice in one batch once: the second answer is false (it takes the locked path)', async () => {
    const [first, twice, last] = await dueFollowUps('dup', 3);
    const writes = jest.spyOn(outbox, 'addIfEach');
    // The first write runs alone; the three that arrive meanwhile share the next statement.
    const answers = await Promise.all([
      recordAs(`d1-${run}`, first, valuesOf(1)),
      recordAs(`d2-${run}`, twice, valuesOf(2)),
      recordAs(`d3-${run}`, twice, valuesOf(3)),
      recordAs(`d4-${run}`, last, valuesOf(4)),
    ]);
    expect(writes.mock.calls.some(([, items]) => items.length > 1)).toBe(true);
    expect(answers).toEqual([true, true, false, true]);
    const { rows } = await pg.query('SELECT note FROM quarantine.follow_ups WHERE id = $1', [twice]);
    expect(rows[0].note).toBe('note 2');
    const mine = (m: TappedMessage) => String(m.key).startsWith(`${run}-dup-`);
    await topics.waitFor(mine, 3);
    await new Promise((r) => setTimeout(r, 500));
    const twiceEvents = topics.messages.filter((m) => mine(m) && JSON.parse(String(m.value)).followUpId === twice);
    expect(twiceEvents).toHaveLength(1);
  });

  it('skips a follow-up another transaction holds locked, and still writes the rest of its batch', async () => {
    const [lone, locked, free] = await dueFollowUps('lock', 3);
    const holder = await db();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM quarantine.follow_ups WHERE id = $1 FOR UPDATE', [locked]);
      const answers = await Promise.all([
        recordAs(`l1-${run}`, lone, valuesOf(1)),
        recordAs(`l2-${run}`, locked, valuesOf(2)),
        recordAs(`l3-${run}`, free, valuesOf(3)),
      ]);
      // Answered while the lock is still held: nobody waited for it.
      expect(answers).toEqual([true, false, true]);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    const { rows } = await pg.query(
      'SELECT id, status FROM quarantine.follow_ups WHERE id = ANY($1::uuid[]) ORDER BY status',
      [[lone, locked, free]],
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      [lone]: 'DONE',
      [locked]: 'DUE',
      [free]: 'DONE',
    });
  });
});
