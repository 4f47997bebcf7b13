import { Topics } from '@ct/contracts';
import { createKafka, parseBrokers, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { Client } from 'pg';
import { RunningBroker, startBroker } from '../../tools/kafka/broker';
import {
  bootMs,
  db,
  figure,
  newRun,
  provision,
  seconds,
  sleep,
  spawnService,
  stopAll,
  timeUntil,
  payloadOf,
  tapped,
  waitFor,
  warmProducerIds,
} from './support';

const SCENARIO = 'quarantine SIGKILL mid-release-pass';

/**
 * The quarantine release pass (the durable timer: one transaction ends every due order) SIGKILLed
 * in the middle, with every due order already ended in its uncommitted transaction: restarted,
 * the next pass ends each order exactly once — one ENDED status, one history row, one
 * QuarantineEnded on quarantine.v1 — and leaves none ACTIVE (issue 12).
 *
 * To kill it mid-pass every time rather than by luck of timing, the test holds a row lock on one
 * of the orders' scheduled tests: the pass has ended all 3,000 orders (uncommitted) and waits on
 * that lock when cancelling their scheduled tests; it is killed while it waits (pg_blocking_pids
 * names the test's session), and the lock is then let go.
 */
describe('faults: quarantine killed mid-release-pass', () => {
  let broker: RunningBroker;
  let pg: Client;
  let locker: Client;
  let ended: TopicTap;

  beforeAll(async () => {
    broker = await startBroker({ heapMb: 384, log: (l) => process.stderr.write(`${l}\n`) });
    await provision(broker.brokers);
    await warmProducerIds(broker.brokers);
    pg = await db();
    locker = await db();
    ended = await TopicTap.open(createKafka({ brokers: parseBrokers(broker.brokers), clientId: 'faults-ended' }), [
      Topics.QUARANTINE,
    ]);
  });

  afterAll(async () => {
    await stopAll();
    await locker?.query('ROLLBACK').catch(() => undefined);
    await Promise.all([ended?.close(), pg?.end(), locker?.end()]);
    await broker?.stop();
  });

  it('every due order ended exactly once after the restart, none left ACTIVE', async () => {
    const run = newRun();
    const n = 3000;
    const prefix = `qr-${run}-`;
    // n HOME orders whose end (day 14) passed an hour ago, with a negative exit test (day 14) and a
    // day-7 test never taken (still SCHEDULED: the pass cancels it when it ends the order).
    await pg.query(
      `INSERT INTO quarantine.quarantines (id, person_id, kind, facility_id, needs_facility, area_code, degree, source_person_id, source_case_id,
         day_zero, starts_at, ends_at, test_days, status, ordered_at)
       SELECT gen_random_uuid(), $2 || i, 'HOME', NULL, false, '49', 1, $2 || 'src', gen_random_uuid(),
              (now() - interval '15 days')::date, now() - interval '14 days', now() - interval '1 hour', '{1,7,14}', 'ACTIVE', now() - interval '15 days'
         FROM generate_series(1, $1::int) i`,
      [n, prefix],
    );
    await pg.query(
      `INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, due_on, day, status, result, test_type, sample_taken_at, recorded_at, scheduled_at)
       SELECT gen_random_uuid(), q.person_id, q.id, 'QUARANTINE', q.day_zero + t.day, t.day,
              CASE WHEN t.day = 14 THEN 'RECORDED' ELSE 'SCHEDULED' END, CASE WHEN t.day = 14 THEN 'NEGATIVE' END, CASE WHEN t.day = 14 THEN 'PCR' END,
              CASE WHEN t.day = 14 THEN now() - interval '2 hours' END, CASE WHEN t.day = 14 THEN now() - interval '2 hours' END, q.ordered_at
         FROM quarantine.quarantines q CROSS JOIN (VALUES (7), (14)) t(day)
        WHERE q.person_id LIKE $1`,
      [`${prefix}%`],
    );
    const counts = async () =>
      (
        await pg.query(
          `SELECT count(*) FILTER (WHERE status = 'ACTIVE')::int AS active, count(*) FILTER (WHERE status = 'ENDED')::int AS ended,
                count(DISTINCT person_id) FILTER (WHERE status = 'ENDED')::int AS people
           FROM quarantine.quarantines WHERE person_id LIKE $1`,
          [`${prefix}%`],
        )
      ).rows[0] as { active: number; ended: number; people: number };
    expect(await counts()).toEqual({ active: n, ended: 0, people: 0 });

    // The lock the pass will wait on, mid-transaction.
    await locker.query('BEGIN');
    await locker.query(`SELECT t.id FROM quarantine.tests t WHERE t.person_id = $1 AND t.day = 7 FOR UPDATE`, [
      `${prefix}1`,
    ]);
    const lockerPid = (await locker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;

    const env = { KAFKA_BROKERS: broker.brokers, QUARANTINE_RELEASE_INTERVAL_SECONDS: '1' };
    const first = await spawnService('quarantine', env);
    await timeUntil(first, '/health/live', first.spawnedAt);
    // The pass, blocked behind the test's lock: its query is the cancellation of the ended orders' tests.
    const blocked = await waitFor(
      'the release pass waiting mid-transaction',
      async () => {
        const { rows } = await pg.query(
          `SELECT pid, query FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`,
          [lockerPid],
        );
        return rows[0] as { pid: number; query: string } | undefined;
      },
      60_000,
      50,
    );
    expect(blocked.query).toMatch(/UPDATE quarantine\.tests SET status = 'CANCELLED'/);
    const killedAt = Date.now();
    process.kill(first.pid, 'SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // Nothing of the pass is committed: every order is still ACTIVE.
    expect(await counts()).toEqual({ active: n, ended: 0, people: 0 });
    await locker.query('ROLLBACK');

    const second = await spawnService('quarantine', env);
    await waitFor(`${n} orders ended`, async () => (await counts()).ended >= n, 90_000, 100);
    const allEnded = Date.now() - killedAt;
    // quarantine.v1 is keyed by personId: the key narrows first, the payload (parsed once) decides.
    const mine = (m: TappedMessage) =>
      String(m.headers?.ce_type) === 'QuarantineEnded' &&
      String(m.key).startsWith(prefix) &&
      String(payloadOf(m).personId).startsWith(prefix);
    await tapped(ended, `${n} QuarantineEnded`, mine, n);
    const allPublished = Date.now() - killedAt;
    // Two more passes (1 s apart) and the relay: a second end or a second event would show now.
    await sleep(3000);

    expect(await counts()).toEqual({ active: 0, ended: n, people: n });
    const reasons = (
      await pg.query(
        `SELECT end_reason, count(*)::int AS n FROM quarantine.quarantines WHERE person_id LIKE $1 GROUP BY 1`,
        [`${prefix}%`],
      )
    ).rows;
    expect(reasons).toEqual([{ end_reason: 'COMPLETED', n }]);
    const history = (
      await pg.query(
        `SELECT count(*)::int AS rows, count(DISTINCT h.quarantine_id)::int AS orders FROM quarantine.quarantine_history h
         JOIN quarantine.quarantines q ON q.id = h.quarantine_id WHERE q.person_id LIKE $1 AND h.change = 'ENDED'`,
        [`${prefix}%`],
      )
    ).rows[0];
    expect(history).toEqual({ rows: n, orders: n });
    const leftScheduled = (
      await pg.query(
        `SELECT count(*)::int AS n FROM quarantine.tests WHERE person_id LIKE $1 AND status = 'SCHEDULED'`,
        [`${prefix}%`],
      )
    ).rows[0].n;
    expect(leftScheduled).toBe(0);

    const events = ended.messages.filter(mine);
    const byOrder = new Map<string, Set<string>>();
    for (const m of events) {
      const id = String(payloadOf(m).quarantineId);
      byOrder.set(id, (byOrder.get(id) ?? new Set()).add(String(m.headers?.ce_id)));
    }
    // One QuarantineEnded per order: every order has one, under one event id. (The outbox is at least
    // once: a row sent just before a crash may go again with the same id, which consumers skip.)
    expect(byOrder.size).toBe(n);
    expect([...byOrder.values()].filter((ids) => ids.size !== 1)).toEqual([]);
    const distinctIds = new Set(events.map((m) => String(m.headers?.ce_id))).size;
    expect(distinctIds).toBe(n);

    figure(SCENARIO, `orders ended / distinct people / history rows (of ${n})`, `${n} / ${n} / ${history.rows}`);
    figure(
      SCENARIO,
      'QuarantineEnded messages / distinct event ids / orders',
      `${events.length} / ${distinctIds} / ${byOrder.size}`,
    );
    figure(SCENARIO, 'restart: every order ended after the kill (s)', seconds(allEnded));
    // When the relay sent them (the producer's message timestamps), and when the test's reader had them all.
    const stamps = events.map((m) => Number(m.timestamp)).sort((x, y) => x - y);
    figure(
      SCENARIO,
      'restart: QuarantineEnded sent from / to after the kill (s, message timestamps)',
      `${seconds(stamps[0] - killedAt)} / ${seconds(stamps[stamps.length - 1] - killedAt)}`,
    );
    figure(SCENARIO, "restart: the test's reader had every QuarantineEnded after the kill (s)", seconds(allPublished));
    figure(SCENARIO, 'restart: of which the process boot, start to HTTP (s)', seconds(bootMs(second)));
    await second.kill('SIGTERM');
  });
});
