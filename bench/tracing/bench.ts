/**
 * `npm run bench:tracing [-- --checkins N --cases N --e2e-runs N --super-runs N --market-visitors N]`
 *
 * 1. A synthetic visit store generated inside PostgreSQL (generate_series; own database
 *    contact_tracing_bench_tracing, or BENCH_TRACING_DATABASE_URL): N check-ins (default 10,000,000)
 *    by N/10 people at N/200 venues over the 14 days before today, 07:00–21:00, stays of 15–120 min,
 *    30 % without check-out (60 min default stay); plus a market where one person meets
 *    `--market-visitors` (5,000) overlapping visitors. Reused when already generated with the same
 *    parameters (the parameters are stored in public.bench_tracing_meta).
 * 2. F1 per case: the engine's SQL (the same functions the service runs) + collapse, for 1,000
 *    random cases; F2 expansion per case for the same cases; the naive self-join baseline (no time
 *    bounds, no lookback, range overlap) for the same cases, and the ratio.
 * 3. End to end on a real broker (tools/kafka unless KAFKA_BROKERS is set) with the real tracing
 *    service running as its own process (`node dist/apps/tracing/src/main.js`, as in production):
 *    CaseConfirmed published on cases.v1 → the broker holds all of that case's ContactIdentified on
 *    contacts.v1 (its high watermarks, polled every 20 ms, have grown by the number of contacts the
 *    service stored for the case), for typical cases and the market's super-spreader. Nothing in
 *    the bench decodes the events meanwhile, so the bench takes no CPU from the service it times.
 * Prints progress to stderr, results to stdout, and last one JSON line.
 */
import 'reflect-metadata';
import { createEvent, Topics } from '@ct/contracts';
import { createKafka, EventPublisher, MessagingObserver, parseBrokers } from '@ct/messaging';
import type { Admin } from 'kafkajs';
import { ensureDatabase } from '@ct/platform';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import {
  collapse,
  DAY_MS,
  DEFAULT_POLICY,
  infectiousWindow,
  f2Window,
} from '../../apps/tracing/src/contacts/domain/tracing-policy';
import {
  EngineLimits,
  f1Overlaps,
  f2Findings,
  QueryFn,
} from '../../apps/tracing/src/contacts/infrastructure/co-location.queries';
import { freePort, RunningBroker, startBroker } from '../../tools/kafka/broker';
import { TracingService } from '../../apps/tracing/src/service';
import { benchOutput, freshBenchDatabase, intArg, runBench, ServiceProcess, startServiceProcess } from '../support';
import { mulberry32 } from '@ct/contracts/testing/prng';

const { log, out } = benchOutput('bench:tracing');

const CHECKINS = intArg('checkins', 10_000_000);
const PEOPLE = intArg('people', Math.max(100, Math.round(CHECKINS / 10)));
const VENUES = intArg('venues', Math.max(10, Math.round(CHECKINS / 200)));
const DAYS = intArg('days', 14);
const CASES = intArg('cases', 1000);
const E2E_RUNS = intArg('e2e-runs', 20);
const SUPER_RUNS = intArg('super-runs', 3);
const MARKET = intArg('market-visitors', Math.min(5000, Math.max(50, Math.round(PEOPLE / 200))));
const DB_URL =
  process.env.BENCH_TRACING_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/contact_tracing_bench_tracing';
const LIMITS: EngineLimits = { minOverlapMs: 0, maxStayMs: 24 * 3_600_000 };
const POLICY = { ...DEFAULT_POLICY, ...LIMITS };

const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const START = today - DAYS * DAY_MS;
const MARKET_DAY = START + Math.max(0, DAYS - 4) * DAY_MS;

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const r2 = (x: number) => Math.round(x * 100) / 100;
const stats = (xs: number[]) => ({
  n: xs.length,
  p50: r2(pct(xs, 50)),
  p95: r2(pct(xs, 95)),
  p99: r2(pct(xs, 99)),
  max: r2(Math.max(...xs)),
});

async function prepareStore(): Promise<{ reused: boolean; generateSeconds: number }> {
  await ensureDatabase(DB_URL);
  const params = {
    checkins: CHECKINS,
    people: PEOPLE,
    venues: VENUES,
    days: DAYS,
    market: MARKET,
    start: new Date(START).toISOString(),
    v: 1,
  };
  const c = new Client({ connectionString: DB_URL });
  await c.connect();
  try {
    await c.query(
      'CREATE TABLE IF NOT EXISTS public.bench_tracing_meta (id int PRIMARY KEY, params jsonb NOT NULL, generated_at timestamptz NOT NULL)',
    );
    const [meta] = (await c.query('SELECT params FROM public.bench_tracing_meta WHERE id = 1')).rows;
    const hasVisits = (await c.query("SELECT to_regclass('tracing.visits') IS NOT NULL AS ok")).rows[0].ok;
    // jsonb reorders keys: compare field by field.
    if (meta && hasVisits && Object.entries(params).every(([k, v]) => meta.params[k] === v)) {
      log(`reusing the store generated with ${JSON.stringify(params)}`);
      return { reused: true, generateSeconds: 0 };
    }
  } finally {
    await c.end();
  }
  // Fresh database: the tracing service's migrations, then the data.
  await freshBenchDatabase(DB_URL, TracingService);

  const t0 = performance.now();
  const g = new Client({ connectionString: DB_URL });
  await g.connect();
  try {
    await g.query("SET maintenance_work_mem = '1GB'");
    await g.query('SELECT tracing.ensure_visit_partitions($1::date, $2::date)', [
      new Date(START - DAY_MS).toISOString().slice(0, 10),
      new Date(today + DAY_MS).toISOString().slice(0, 10),
    ]);
    // Load without indexes, build them once at the end (much faster than maintaining them row by row).
    await g.query('ALTER TABLE tracing.visits DROP CONSTRAINT visits_pkey');
    await g.query('DROP INDEX tracing.visits_venue_time');
    await g.query('DROP INDEX tracing.visits_person_time');
    await g.query('SELECT setseed(0.4242)');
    const chunk = 1_000_000;
    for (let from = 1; from <= CHECKINS; from += chunk) {
      const to = Math.min(CHECKINS, from + chunk - 1);
      await g.query(
        `INSERT INTO tracing.visits (check_in_id, person_id, venue_id, checked_in_at, checked_out_at, ends_at, source)
         SELECT 'b' || g, 'p' || floor(random() * $4)::int, 'v' || floor(random() * $5)::int, t, co, coalesce(co, t + interval '60 minutes'), 'bench'
         FROM (SELECT g, t, CASE WHEN r < 0.3 THEN NULL ELSE t + make_interval(mins => 15 + floor(r2 * 106)::int) END AS co
               FROM (SELECT g, $3::timestamptz + make_interval(days => floor(random() * $6)::int, mins => 420 + floor(random() * 840)::int) AS t,
                            random() AS r, random() AS r2
                     FROM generate_series($1::bigint, $2::bigint) AS g) x) y`,
        [from, to, new Date(START), PEOPLE, VENUES, DAYS],
      );
      log(
        `generated ${to.toLocaleString('en')} / ${CHECKINS.toLocaleString('en')} check-ins (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
    // The market: the super-spreader stays 08:00–12:00; MARKET visitors (random people) overlap them.
    const day = new Date(MARKET_DAY);
    await g.query(
      `INSERT INTO tracing.visits (check_in_id, person_id, venue_id, checked_in_at, checked_out_at, ends_at, source)
       VALUES ('market-f0', 'p-super', 'v-market', $1::timestamptz + interval '8 hours', $1::timestamptz + interval '12 hours', $1::timestamptz + interval '12 hours', 'bench')`,
      [day],
    );
    await g.query(
      `INSERT INTO tracing.visits (check_in_id, person_id, venue_id, checked_in_at, checked_out_at, ends_at, source)
       SELECT 'market-' || g, 'p' || floor(random() * $2)::int, 'v-market', t, t + interval '45 minutes', t + interval '45 minutes', 'bench'
       FROM (SELECT g, $1::timestamptz + interval '8 hours' + make_interval(mins => floor(random() * 210)::int) AS t FROM generate_series(1, $3) g) x`,
      [day, PEOPLE, MARKET],
    );
    log('building indexes');
    await g.query('ALTER TABLE tracing.visits ADD PRIMARY KEY (check_in_id, checked_in_at)');
    await g.query('CREATE INDEX visits_venue_time ON tracing.visits (venue_id, checked_in_at, ends_at)');
    await g.query('CREATE INDEX visits_person_time ON tracing.visits (person_id, checked_in_at)');
    await g.query('ANALYZE tracing.visits');
    await g.query(
      'CREATE TABLE IF NOT EXISTS public.bench_tracing_meta (id int PRIMARY KEY, params jsonb NOT NULL, generated_at timestamptz NOT NULL)',
    );
    await g.query(
      'INSERT INTO public.bench_tracing_meta (id, params, generated_at) VALUES (1, $1, now()) ON CONFLICT (id) DO UPDATE SET params = $1, generated_at = now()',
      [JSON.stringify(params)],
    );
  } finally {
    await g.end();
  }
  const generateSeconds = (performance.now() - t0) / 1000;
  log(`store generated in ${generateSeconds.toFixed(0)} s`);
  return { reused: false, generateSeconds };
}

const NAIVE_SQL = `
SELECT DISTINCT b.person_id
FROM tracing.visits a
JOIN tracing.visits b ON b.venue_id = a.venue_id AND tstzrange(a.checked_in_at, a.ends_at) && tstzrange(b.checked_in_at, b.ends_at)
WHERE a.person_id = $1 AND tstzrange(a.checked_in_at, a.ends_at) && tstzrange($2::timestamptz, $3::timestamptz) AND b.person_id <> $1`;

interface BenchCase {
  personId: string;
  confirmedAt: number;
}

async function measureQueries(cases: BenchCase[]) {
  const c = new Client({ connectionString: DB_URL });
  await c.connect();
  // As the service does: named statements, generic plans (partitions pruned at execution).
  await c.query("SET plan_cache_mode = 'force_generic_plan'");
  const q: QueryFn = async (sql, params, name) =>
    (await c.query(name ? { name, text: sql, values: params } : { text: sql, values: params })).rows;
  const f1Ms: number[] = [];
  const f2Ms: number[] = [];
  const naiveMs: number[] = [];
  const f1Counts: number[] = [];
  const f2Counts: number[] = [];
  let agree = 0;
  const now = Date.now();
  try {
    // Warm-up: the first queries pay for catalog and buffer loads.
    for (const k of cases.slice(0, 20))
      await f1Overlaps(
        q,
        k.personId,
        infectiousWindow({ caseId: 'x', ...k, symptomOnsetAt: null, sampleTakenAt: null }, POLICY),
        LIMITS,
      );
    for (const k of cases) {
      const w = infectiousWindow({ caseId: 'x', ...k, symptomOnsetAt: null, sampleTakenAt: null }, POLICY);
      let t = performance.now();
      const f1 = collapse(await f1Overlaps(q, k.personId, w, LIMITS), 1);
      f1Ms.push(performance.now() - t);
      f1Counts.push(f1.length);

      t = performance.now();
      const f1Ids = f1.map((f) => f.personId);
      const f2 = await f2Findings(
        q,
        f1.map((f) => ({ personId: f.personId, from: f2Window(f, now).start })),
        now,
        [k.personId, ...f1Ids],
        LIMITS,
      );
      f2Ms.push(performance.now() - t);
      f2Counts.push(f2.length);

      t = performance.now();
      const naive = (await c.query(NAIVE_SQL, [k.personId, new Date(w.start), new Date(w.end)])).rows;
      naiveMs.push(performance.now() - t);
      // The naive join does not clip the other stay to the window; it finds a superset of F1.
      if (f1Ids.every((id) => naive.some((r) => r.person_id === id))) agree++;
    }
  } finally {
    await c.end();
  }
  return { f1Ms, f2Ms, naiveMs, f1Counts, f2Counts, agree };
}

async function endToEnd(typical: BenchCase[]) {
  let broker: RunningBroker | undefined;
  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    log('starting a Kafka broker (tools/kafka)');
    broker = await startBroker({ log: (l) => log(`kafka: ${l}`) });
    brokers = broker.brokers;
  }
  const kafka = createKafka({ brokers: parseBrokers(brokers), clientId: 'bench-tracing' });
  let svc: ServiceProcess | undefined;
  const admin = kafka.admin();
  const publisher = new EventPublisher(kafka, new MessagingObserver());
  const pg = new Client({ connectionString: DB_URL });
  try {
    // The service in its own process, as in production (migrations, consumer, outbox relay);
    // the bench's producer and its reader of contacts.v1 do not share the service's event loop.
    svc = await startServiceProcess(
      'tracing',
      await freePort(),
      // No retention run during the measurement; production refuses that setting, so NODE_ENV=test.
      { DATABASE_URL: DB_URL, KAFKA_BROKERS: brokers, RETENTION_INTERVAL_MINUTES: '0', NODE_ENV: 'test' },
      log,
    );
    await admin.connect();
    await pg.connect();
    return await measureEndToEnd(typical, publisher, admin, pg);
  } finally {
    await pg.end().catch(() => undefined);
    await admin.disconnect();
    await publisher.onApplicationShutdown();
    await svc?.stop();
    await broker?.stop();
  }
}

interface Run {
  ms: number;
  contacts: number;
  /** The F1 stage (case, F1 contacts and their events) committed. */
  committedMs: number;
  /** The F2 stage finished (every contact stored and queued). */
  expandedMs: number;
}

async function measureEndToEnd(typical: BenchCase[], publisher: EventPublisher, admin: Admin, pg: Client) {
  /** Messages the broker holds on contacts.v1 (sum of the partitions' high watermarks). */
  const written = async () =>
    (await admin.fetchTopicOffsets(Topics.CONTACTS)).reduce((sum, p) => sum + Number(p.high), 0);

  const run = async (k: BenchCase): Promise<Run> => {
    const e = createEvent(
      'CaseConfirmed',
      {
        caseId: randomUUID(),
        personId: k.personId,
        confirmedAt: new Date(k.confirmedAt).toISOString(),
        symptomOnsetAt: null,
        sampleTakenAt: null,
        testType: 'PCR',
        origin: 'INVESTIGATION',
        areaCode: '49',
      },
      { source: '/bench' },
    );
    const before = await written();
    const t0 = Date.now();
    await publisher.publish([e]);
    // The F1 stage commits with the case; the F2 stage follows in its own transactions and marks
    // the case expanded when done: only then is the number of contacts final. Meanwhile, and after,
    // the broker's high watermarks on contacts.v1 tell when it holds (has acknowledged) all of them.
    let committedMs = 0;
    let expandedMs = 0;
    let n = -1;
    let alerts = 0;
    let last: number;
    let nextDbCheck = 0;
    for (const deadline = Date.now() + 180_000; ;) {
      // The database every 50 ms (diagnostics), the broker every 20 ms (the figure measured, to 20 ms).
      if (n < 0 && Date.now() >= nextDbCheck) {
        nextDbCheck = Date.now() + 50;
        const row = (
          await pg.query('SELECT f2_expanded_at IS NOT NULL AS expanded FROM tracing.traced_cases WHERE case_id = $1', [
            e.payload.caseId,
          ])
        ).rows[0];
        if (row && !committedMs) committedMs = Date.now() - t0;
        if (row?.expanded) {
          expandedMs = Date.now() - t0;
          // Its exposure alerts (visitors who are no contact) go to contacts.v1 in the same stages.
          const counts = (
            await pg.query(
              `SELECT (SELECT count(*) FROM tracing.contacts WHERE source_case_id = $1)::int AS n,
                      (SELECT count(*) FROM tracing.exposure_alerts WHERE case_id = $1)::int AS a`,
              [e.payload.caseId],
            )
          ).rows[0];
          n = Number(counts.n);
          alerts = Number(counts.a);
        }
      }
      const onKafka = (await written()) - before;
      if (n >= 0 && onKafka >= n + alerts) {
        last = Date.now();
        if (onKafka !== n + alerts)
          throw new Error(
            `contacts.v1 grew by ${onKafka} messages for ${n} contacts and ${alerts} exposure alerts: something else is producing to it`,
          );
        break;
      }
      if (Date.now() > deadline) throw new Error(`${onKafka} of ${n} ContactIdentified on Kafka after 180 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { ms: last - t0, contacts: n, committedMs, expandedMs };
  };

  const typicalRuns: Run[] = [];
  // Warm-up: consumer group join, relay, and the service's code and query plans (a fresh process).
  for (const k of typical.slice(0, 3)) await run(k);
  for (const k of typical.slice(3, E2E_RUNS + 3)) typicalRuns.push(await run(k));
  log(`typical e2e: ${typicalRuns.map((r) => `${r.ms.toFixed(0)} ms/${r.contacts}`).join(', ')}`);
  const superRuns: Run[] = [];
  for (let i = 0; i < SUPER_RUNS; i++) {
    superRuns.push(await run({ personId: 'p-super', confirmedAt: MARKET_DAY + DAY_MS }));
    log(
      `super-spreader e2e run ${i + 1}: ${superRuns[i].ms.toFixed(0)} ms (F1 stage committed after ${superRuns[i].committedMs} ms, F2 stage after ${superRuns[i].expandedMs} ms), ${superRuns[i].contacts} ContactIdentified`,
    );
  }
  return { typicalRuns, superRuns };
}

async function main(): Promise<void> {
  log(`machine: ${cpus().length} cpus, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
  const store = await prepareStore();
  const c = new Client({ connectionString: DB_URL });
  await c.connect();
  await c.query(
    'TRUNCATE tracing.contacts, tracing.traced_cases, tracing.exposure_sites, tracing.declared_contacts, tracing.outbox',
  );
  const rows = Number((await c.query('SELECT count(*)::bigint AS n FROM tracing.visits')).rows[0].n);
  await c.end();

  const rnd = mulberry32(7);
  const cases: BenchCase[] = Array.from({ length: CASES }, () => ({
    personId: `p${Math.floor(rnd() * PEOPLE)}`,
    // Confirmed between day 3 and the end of the data, so the 2-day window is inside it.
    confirmedAt: START + 3 * DAY_MS + Math.floor(rnd() * (DAYS - 3) * DAY_MS),
  }));
  log(`measuring F1, F2 and the naive self-join for ${CASES} cases`);
  const m = await measureQueries(cases);
  const f1 = stats(m.f1Ms);
  const f2 = stats(m.f2Ms);
  const naive = stats(m.naiveMs);
  out(
    `visits: ${rows.toLocaleString('en')} (${store.reused ? 'reused' : `generated in ${store.generateSeconds.toFixed(0)} s`})`,
  );
  out(
    `F1 query per case (ms):       p50 ${f1.p50}  p95 ${f1.p95}  p99 ${f1.p99}  (mean F1 ${r2(m.f1Counts.reduce((a, b) => a + b, 0) / CASES)})`,
  );
  out(
    `F2 expansion per case (ms):   p50 ${f2.p50}  p95 ${f2.p95}  p99 ${f2.p99}  (mean F2 ${r2(m.f2Counts.reduce((a, b) => a + b, 0) / CASES)})`,
  );
  out(
    `naive self-join F1 (ms):      p50 ${naive.p50}  p95 ${naive.p95}  p99 ${naive.p99}  → ratio naive/engine p95 ${r2(naive.p95 / f1.p95)}x, p50 ${r2(naive.p50 / f1.p50)}x`,
  );

  // Typical: at least one contact, and not one of the market's crowd (F1 ≤ 100).
  const typical = cases.filter((_, i) => m.f1Counts[i] > 0 && m.f1Counts[i] <= 100);
  const e2e = await endToEnd(typical);
  const t = stats(e2e.typicalRuns.map((r) => r.ms));
  const s = stats(e2e.superRuns.map((r) => r.ms));
  out(
    `e2e typical CaseConfirmed → last ContactIdentified (ms): p50 ${t.p50}  p95 ${t.p95}  max ${t.max}  (${t.n} runs, mean ${r2(e2e.typicalRuns.reduce((a, r) => a + r.contacts, 0) / t.n)} contacts)`,
  );
  out(
    `e2e super-spreader (${MARKET} market visitors) (ms): p50 ${s.p50}  max ${s.max}  (${s.n} runs, ${e2e.superRuns[0]?.contacts} ContactIdentified each)`,
  );
  const result = {
    bench: 'tracing',
    checkins: rows,
    people: PEOPLE,
    venues: VENUES,
    days: DAYS,
    cases: CASES,
    reusedStore: store.reused,
    generateSeconds: r2(store.generateSeconds),
    f1Ms: f1,
    f2Ms: f2,
    naiveF1Ms: naive,
    naiveOverEngineP95: r2(naive.p95 / f1.p95),
    meanF1: r2(m.f1Counts.reduce((a, b) => a + b, 0) / CASES),
    meanF2: r2(m.f2Counts.reduce((a, b) => a + b, 0) / CASES),
    naiveCoversEngineF1: `${m.agree}/${CASES}`,
    e2eTypicalMs: { ...t, meanContacts: r2(e2e.typicalRuns.reduce((a, r) => a + r.contacts, 0) / t.n) },
    e2eSuperSpreaderMs: {
      ...s,
      contacts: e2e.superRuns[0]?.contacts ?? 0,
      marketVisitors: MARKET,
      committedMs: e2e.superRuns.map((r) => r.committedMs),
      expandedMs: e2e.superRuns.map((r) => r.expandedMs),
    },
    targets: { f1P95: f1.p95 <= 5, f2P95: f2.p95 <= 200, e2eTypicalP95: t.p95 <= 500, e2eSuperMax: s.max <= 5000 },
  };
  out(JSON.stringify(result));
}

runBench('bench:tracing', main);
