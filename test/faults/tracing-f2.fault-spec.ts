import { createEvent, Topics } from '@ct/contracts';
import { createKafka, EventPublisher, parseBrokers, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { RunningBroker, startBroker } from '../../tools/kafka/broker';
import {
  bootMs,
  db,
  figure,
  newRun,
  provision,
  publisherFor,
  seconds,
  sleep,
  spawnService,
  ServiceProc,
  stopAll,
  timeUntil,
  payloadOf,
  tapped,
  waitFor,
  warmProducerIds,
} from './support';

const MIN = 60_000;
const HOUR = 60 * MIN;
const F1 = 3000;
const VENUES = 300; // the F1's other venues, 10 F1 each
const OTHERS = 40; // people at each of those venues who never went to the market: the F2
const F2 = VENUES * OTHERS;
const CHUNK = 200;

/**
 * A super-spreader's F2 stage (staged tracing, ARCHITECTURE.md "Contact engine and graph") cut
 * short by a SIGKILL after its F1 and some F2 chunks were committed: the stage is resumed, by the
 * same instance restarted (its own lease, at once) or by a second replica (once the lease ran out),
 * and every F2 is stored and announced exactly once (issue 12).
 *
 * To kill it inside the stage every time rather than by luck of timing, the test takes a row lock
 * on the case's traced_cases row once some F2 chunks are stored: the next chunk (which first renews
 * the lease on that row) and the final "expanded" mark wait on it; the process is killed while it
 * waits (pg_blocking_pids names the test's session) and the lock is let go at once.
 */
describe("faults: tracing killed during a super-spreader's F2 stage", () => {
  let broker: RunningBroker;
  let publisher: EventPublisher;
  let pg: Client;
  let locker: Client;
  let contacts: TopicTap;

  beforeAll(async () => {
    broker = await startBroker({ heapMb: 384, log: (l) => process.stderr.write(`${l}\n`) });
    await provision(broker.brokers);
    await warmProducerIds(broker.brokers);
    publisher = publisherFor(broker.brokers);
    pg = await db();
    locker = await db();
    contacts = await TopicTap.open(
      createKafka({ brokers: parseBrokers(broker.brokers), clientId: 'faults-contacts' }),
      [Topics.CONTACTS],
    );
  });

  afterAll(async () => {
    await stopAll();
    await locker?.query('ROLLBACK').catch(() => undefined);
    await Promise.all([publisher?.onApplicationShutdown(), contacts?.close(), pg?.end(), locker?.end()]);
    await broker?.stop();
  });

  const env = (instance: string) => ({
    KAFKA_BROKERS: broker.brokers,
    RETENTION_INTERVAL_MINUTES: '10080',
    TRACING_INSTANCE_ID: instance,
    TRACING_F2_CHUNK: String(CHUNK),
  });

  /**
   * The market: the F0 there for 3 h, F1 visitors each overlapping them; each F1 then at one of
   * VENUES other venues, where OTHERS people (never at the market) overlap them: exactly F1 F1 and
   * F2 F2 by construction (each F2 person met through 10 F1, one contact each).
   */
  async function seed(run: string): Promise<{ run: string; f0: string; f1: Set<string>; f2: Set<string> }> {
    const t0 = Date.now() - 20 * HOUR;
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    await pg.query('SELECT tracing.ensure_visit_partitions($1::date, $2::date)', [
      day(t0 - 24 * HOUR),
      day(Date.now() + 24 * HOUR),
    ]);
    const rows: { person: string; venue: string; in: number; out: number }[] = [];
    const f0 = `f0-${run}`;
    rows.push({ person: f0, venue: `mkt-${run}`, in: t0, out: t0 + 3 * HOUR });
    const f1 = new Set<string>();
    const f2 = new Set<string>();
    for (let i = 0; i < F1; i++) {
      const p = `a-${run}-${i}`;
      f1.add(p);
      rows.push({ person: p, venue: `mkt-${run}`, in: t0 + (i % 120) * MIN, out: t0 + (i % 120) * MIN + 30 * MIN });
      rows.push({ person: p, venue: `v-${run}-${i % VENUES}`, in: t0 + 6 * HOUR, out: t0 + 7 * HOUR });
    }
    for (let v = 0; v < VENUES; v++) {
      for (let k = 0; k < OTHERS; k++) {
        const p = `b-${run}-${v}-${k}`;
        f2.add(p);
        rows.push({ person: p, venue: `v-${run}-${v}`, in: t0 + 6 * HOUR + 30 * MIN, out: t0 + 7 * HOUR + 30 * MIN });
      }
    }
    await pg.query(
      `INSERT INTO tracing.visits (check_in_id, person_id, venue_id, checked_in_at, checked_out_at, ends_at, source)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::text[])`,
      [
        rows.map(() => `ci-${randomUUID()}`),
        rows.map((r) => r.person),
        rows.map((r) => r.venue),
        rows.map((r) => new Date(r.in)),
        rows.map((r) => new Date(r.out)),
        rows.map((r) => new Date(r.out)),
        rows.map(() => `faults:${run}`),
      ],
    );
    return { run, f0, f1, f2 };
  }

  const caseEvent = (personId: string) =>
    createEvent(
      'CaseConfirmed',
      {
        caseId: randomUUID(),
        personId,
        confirmedAt: new Date().toISOString(),
        symptomOnsetAt: null,
        sampleTakenAt: null,
        testType: 'PCR',
        origin: 'INVESTIGATION',
        areaCode: '49',
      },
      { source: '/faults' },
    );

  const stage = async (caseId: string) =>
    (
      await pg.query(
        `SELECT (SELECT f2_expanded_at FROM tracing.traced_cases WHERE case_id = $1) AS expanded,
              (SELECT f2_lease_owner FROM tracing.traced_cases WHERE case_id = $1) AS owner,
              count(*) FILTER (WHERE degree = 1)::int AS f1, count(*) FILTER (WHERE degree = 2)::int AS f2,
              count(*)::int AS rows, count(DISTINCT person_id)::int AS people
         FROM tracing.contacts WHERE source_case_id = $1`,
        [caseId],
      )
    ).rows[0] as { expanded: Date | null; owner: string | null; f1: number; f2: number; rows: number; people: number };

  /**
   * Publishes the case, waits until its F1 and at least two F2 chunks are committed, holds the lock
   * that stops the stage, and SIGKILLs the process holding the stage's lease while it waits on it.
   */
  async function killDuringF2(caseId: string, event: ReturnType<typeof caseEvent>, procs: Record<string, ServiceProc>) {
    await publisher.publish([event]);
    await waitFor(
      'F1 and two F2 chunks committed',
      async () => {
        const s = await stage(caseId);
        return s.f1 === F1 && s.f2 >= 2 * CHUNK;
      },
      90_000,
      20,
    );
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM tracing.traced_cases WHERE case_id = $1 FOR UPDATE', [caseId]);
    const lockerPid = (await locker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const atLock = await stage(caseId);
    // Not finished, and its owner is one of ours.
    expect(atLock.expanded).toBeNull();
    expect(atLock.f2).toBeLessThan(F2);
    const owner = atLock.owner!;
    expect(Object.keys(procs)).toContain(owner);
    const blocked = await waitFor(
      'the next F2 chunk waiting on the lock',
      async () => {
        const { rows } = await pg.query(`SELECT query FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [
          lockerPid,
        ]);
        return rows[0] as { query: string } | undefined;
      },
      30_000,
      20,
    );
    expect(blocked.query).toMatch(/UPDATE tracing\.traced_cases SET f2_/);
    const victim = procs[owner];
    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    await locker.query('ROLLBACK');
    const atKill = await stage(caseId);
    expect(atKill.expanded).toBeNull();
    return { killedAt, owner, atKill };
  }

  /** Every F1 and F2 stored once, the right people, and one ContactIdentified per contact on contacts.v1. */
  async function assertExactlyOnce(
    scenario: string,
    caseId: string,
    seeded: { run: string; f1: Set<string>; f2: Set<string> },
  ) {
    // contacts.v1 is keyed by the contact's personId (a-<run>-…, b-<run>-…); the payload (parsed once) decides.
    const ofCase = (m: TappedMessage) =>
      String(m.headers?.ce_type) === 'ContactIdentified' &&
      (String(m.key).startsWith(`a-${seeded.run}-`) || String(m.key).startsWith(`b-${seeded.run}-`)) &&
      payloadOf(m).sourceCaseId === caseId;
    await tapped(contacts, `${F1 + F2} ContactIdentified`, ofCase, F1 + F2);
    await sleep(3000); // a late duplicate (another resume pass, the outbox relay) would show now
    const s = await stage(caseId);
    expect({ f1: s.f1, f2: s.f2, rows: s.rows, people: s.people }).toEqual({
      f1: F1,
      f2: F2,
      rows: F1 + F2,
      people: F1 + F2,
    });
    const { rows } = await pg.query('SELECT person_id, degree FROM tracing.contacts WHERE source_case_id = $1', [
      caseId,
    ]);
    const got1 = new Set(rows.filter((r) => r.degree === 1).map((r) => r.person_id as string));
    const got2 = new Set(rows.filter((r) => r.degree === 2).map((r) => r.person_id as string));
    expect([...seeded.f1].filter((p) => !got1.has(p))).toEqual([]);
    expect([...seeded.f2].filter((p) => !got2.has(p))).toEqual([]);

    const events = contacts.messages.filter(ofCase);
    const byContact = new Map<string, { ids: Set<string>; degree: number }>();
    for (const m of events) {
      const v = payloadOf(m) as { contactId: string; degree: number };
      const e = byContact.get(v.contactId) ?? { ids: new Set<string>(), degree: v.degree };
      e.ids.add(String(m.headers?.ce_id));
      byContact.set(v.contactId, e);
    }
    const distinctIds = new Set(events.map((m) => String(m.headers?.ce_id))).size;
    // One event per stored contact: as many contacts announced as stored, each under a single event id
    // (the outbox is at least once: a row sent just before the kill may go again with its id, which
    // consumers skip; a second event for one contact would be a duplicated effect).
    expect(byContact.size).toBe(F1 + F2);
    expect(distinctIds).toBe(F1 + F2);
    expect([...byContact.values()].filter((c) => c.ids.size !== 1)).toEqual([]);
    const degrees = [...byContact.values()].reduce(
      (a, c) => ((a[c.degree] = (a[c.degree] ?? 0) + 1), a),
      {} as Record<number, number>,
    );
    expect(degrees).toEqual({ 1: F1, 2: F2 });
    figure(scenario, `contacts stored F1 / F2 (of ${F1} / ${F2}), distinct people`, `${s.f1} / ${s.f2}, ${s.people}`);
    figure(
      scenario,
      'ContactIdentified messages / distinct event ids / distinct contacts',
      `${events.length} / ${distinctIds} / ${byContact.size}`,
    );
  }

  it('the same instance restarted resumes its own F2 stage at once: every F2 stored and announced once', async () => {
    const scenario = 'tracing SIGKILL in the F2 stage, same instance restarted';
    const run = newRun();
    const seeded = await seed(run);
    const first = await spawnService('tracing', env(`tracing-${run}-a`));
    await timeUntil(first, '/health/ready', first.spawnedAt);
    const event = caseEvent(seeded.f0);
    const caseId = event.payload.caseId;
    const { killedAt, atKill } = await killDuringF2(caseId, event, { [`tracing-${run}-a`]: first });
    const second = await spawnService('tracing', env(`tracing-${run}-a`));
    const expanded = await waitFor(
      'F2 stage resumed and finished',
      async () => (await stage(caseId)).expanded !== null,
      90_000,
      50,
    );
    expect(expanded).toBe(true);
    const resumed = Date.now() - killedAt;
    await assertExactlyOnce(scenario, caseId, seeded);
    const boot = bootMs(second);
    figure(scenario, `stored at the kill F1 / F2 (chunks of ${CHUNK})`, `${atKill.f1} / ${atKill.f2}`);
    figure(scenario, 'restart: f2_expanded_at set after the kill (s)', seconds(resumed));
    figure(scenario, 'restart: of which the process boot, start to HTTP (s)', seconds(boot));
    figure(scenario, 'restart: f2_expanded_at set after HTTP up (s)', seconds(resumed - boot));
    // Target <= 15 s from the kill; the boot is the machine's load (4-19 s measured under heavy load,
    // see docs/RELIABILITY.md), so as for the mid-ingest restart the assertion leaves it out.
    expect(resumed - boot).toBeLessThanOrEqual(Number(process.env.FAULTS_F2_RESUME_TARGET_MS ?? 15_000));
    await second.kill('SIGTERM');
  });

  it('a second replica takes the stage over once the lease ran out: every F2 stored and announced once', async () => {
    const scenario = 'tracing SIGKILL in the F2 stage, other replica takes over';
    const run = newRun();
    const seeded = await seed(run);
    const ids = [`tracing-${run}-a`, `tracing-${run}-b`];
    const a = await spawnService('tracing', env(ids[0]));
    const b = await spawnService('tracing', env(ids[1]));
    await Promise.all([timeUntil(a, '/health/ready', a.spawnedAt), timeUntil(b, '/health/ready', b.spawnedAt)]);
    await sleep(2000); // both in the group (the second join rebalances the first)
    const event = caseEvent(seeded.f0);
    const caseId = event.payload.caseId;
    // Whichever replica consumed the case holds the lease: that one is killed.
    const { killedAt, owner } = await killDuringF2(caseId, event, { [ids[0]]: a, [ids[1]]: b });
    const survivor = owner === ids[0] ? ids[1] : ids[0];
    const taken = await waitFor(
      'the survivor leasing the stage',
      async () => (await stage(caseId)).owner === survivor || (await stage(caseId)).expanded !== null,
      60_000,
      50,
    );
    expect(taken).toBe(true);
    const leased = Date.now() - killedAt;
    await waitFor('F2 stage finished by the survivor', async () => (await stage(caseId)).expanded !== null, 60_000, 50);
    const finished = Date.now() - killedAt;
    await assertExactlyOnce(scenario, caseId, seeded);
    figure(scenario, 'survivor leases the stage (resumes it) after the kill (s)', seconds(leased));
    figure(scenario, 'f2_expanded_at set after the kill (s)', seconds(finished));
    // The target (resumed <= 15 s after the kill) is on the takeover: the lease runs out at most
    // TRACING_F2_LEASE_SECONDS (8) after its last renewal, and the survivor's resume pass runs every 3 s.
    // Storing the remaining ~11,000 F2 after that takes what the machine's load makes it (printed).
    expect(leased).toBeLessThanOrEqual(Number(process.env.FAULTS_F2_TAKEOVER_TARGET_MS ?? 15_000));
    await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
  });
});
