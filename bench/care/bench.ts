/**
 * `npm run bench:care [-- --people N --records M]`: the care pathway at provincial scale (issue 16).
 *
 * 1. Seeds N (default 100,000) people under follow-up directly in PostgreSQL (a fresh database):
 *    a third cases in isolation (half at home: two checks a day), two thirds contacts in quarantine
 *    or under watch; with yesterday's follow-ups, 90 % completed, the rest never done or unreachable.
 * 2. Runs the real quarantine service as its own process (as bench:quarantine does) against a real
 *    broker.
 * 3. Daily pass: POST /care/pass (what the timer runs: releases, beds, generation of today's
 *    follow-ups, the missed / lost-to-follow-up pass with its FollowUpMissed events), timed by the
 *    job itself, then once more (idempotence: nothing new).
 * 4. Records W (--warmup, default 3,000) follow-ups first (the JIT's warm-up after a start; their
 *    figure is printed), then M (default 1,000) of today's follow-ups through POST /follow-ups/:id, 16 at a time,
 *    as on a typical day (about 1 in 9 with a symptom or a warning sign), and reports the
 *    throughput and the latency percentiles (the target); then M more with the first bench's
 *    warning-heavy mix (about 4 in 5), as a stress figure.
 * Prints the figures and, last, one JSON line.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { CarePassResult } from '../../apps/quarantine/src/care/care-pass/care-pass.job';
import { localDay } from '../../apps/quarantine/src/quarantines/domain/policy';
import { benchMachine, benchOutput, intArg, runBench, withBenchStack } from '../support';

const { log, out } = benchOutput('bench');

const PEOPLE = intArg('people', 100_000);
const RECORDS = intArg('records', 1_000);
const WARMUP = intArg('warmup', 3_000);
const CONCURRENCY = 16;
const DB_URL = process.env.BENCH_CARE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/contact_tracing_bench_care';
const OFFSET = 420;

async function seed(pg: Client, today: string): Promise<void> {
  const cases = Math.floor(PEOPLE / 3);
  await pg.query(
    `INSERT INTO quarantine.isolations (id, person_id, case_id, area_code, kind, facility_id, needs_bed, first_day, planned_end_on,
       test_days, status, ordered_at, updated_at)
     SELECT gen_random_uuid(), 'bench-c-' || i, gen_random_uuid(), '49', CASE WHEN i % 2 = 0 THEN 'HOME' ELSE 'TREATMENT_FACILITY' END,
            CASE WHEN i % 2 = 0 THEN NULL ELSE 'bench-tf' END, false, $2::date - (i % 8), $2::date - (i % 8) + 10, '{10}', 'ACTIVE', now(), now()
       FROM generate_series(1, $1::int) i`,
    [cases, today],
  );
  await pg.query(
    `INSERT INTO quarantine.quarantines (id, person_id, kind, facility_id, needs_facility, area_code, degree, source_person_id, source_case_id,
       day_zero, starts_at, ends_at, test_days, status, ordered_at)
     SELECT gen_random_uuid(), 'bench-q-' || i, CASE WHEN i % 4 = 0 THEN 'SELF_MONITORING' ELSE 'HOME' END, NULL, false, '49',
            CASE WHEN i % 4 = 0 THEN 2 ELSE 1 END, 'bench-c-' || (i % 1000 + 1), gen_random_uuid(),
            $2::date - (i % 8), now() - interval '8 days', now() + interval '7 days', '{}', 'ACTIVE', now()
       FROM generate_series(1, $1::int) i`,
    [PEOPLE - cases, today],
  );
  // Yesterday's follow-ups: 90 % done, 5 % unreachable, 5 % never recorded.
  await pg.query(
    `INSERT INTO quarantine.follow_ups (id, person_id, subject, order_id, area_code, due_on, slot, status, created_at)
     SELECT gen_random_uuid(), o.person_id, o.subject, o.id, '49', $1::date - 1, 1,
            CASE WHEN abs(hashtext(o.person_id)) % 20 = 0 THEN 'DUE' WHEN abs(hashtext(o.person_id)) % 20 = 1 THEN 'UNREACHABLE' ELSE 'DONE' END, now()
       FROM (SELECT id, person_id, 'ISOLATION' AS subject FROM quarantine.isolations
             UNION ALL SELECT id, person_id, CASE WHEN kind = 'SELF_MONITORING' THEN 'WATCH' ELSE 'QUARANTINE' END FROM quarantine.quarantines) o`,
    [today],
  );
  for (const t of ['isolations', 'quarantines', 'follow_ups']) await pg.query(`ANALYZE quarantine.${t}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const machine = benchMachine();
  await withBenchStack(
    { databaseUrl: DB_URL, clientId: 'bench-care', log, topics: { checkins: 6, default: 3 } },
    async (stack) => {
      const svc = await stack.service('quarantine', {
        QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
        CARE_PASS_INTERVAL_SECONDS: '0',
        CARE_FACILITIES: JSON.stringify([{ id: 'bench-tf', name: 'Bench', areaCode: '49', capacity: 100_000 }]),
      });
      const admin = svc.issuer.mint({ subject: 'bench', roles: ['admin'] });
      const staff = svc.issuer.mint({ subject: 'bench-staff', roles: ['quarantine'], areas: ['*'] });
      const pg = await stack.db();
      const today = localDay(new Date(), OFFSET);

      log(`seeding ${PEOPLE} people under follow-up with yesterday's follow-ups`);
      const t = Date.now();
      await seed(pg, today);
      log(`  seeded in ${((Date.now() - t) / 1000).toFixed(1)} s`);

      log('daily care pass');
      const pass = await svc.call<CarePassResult>('POST', '/care/pass', admin);
      log(`  ${JSON.stringify(pass)}`);
      const again = await svc.call<CarePassResult>('POST', '/care/pass', admin);
      log(`  again: ${JSON.stringify(again)}`);

      const ids: string[] = (
        await pg.query(
          `SELECT id FROM quarantine.follow_ups WHERE due_on = $1::date AND status = 'DUE' ORDER BY id LIMIT $2`,
          [today, 2 * RECORDS + WARMUP],
        )
      ).rows.map((r: { id: string }) => r.id);
      // The pass's events (about 10,000 FollowUpMissed) are published before recording starts: staff
      // record during the day, not in the seconds after the night's pass.
      for (let n = 1; n > 0; await new Promise((r) => setTimeout(r, 200)))
        n = (await pg.query('SELECT count(*)::int AS n FROM quarantine.outbox')).rows[0].n;
      // The first recordings after a start run on code the JIT has not optimised yet (measured: the
      // service's CPU per recording falls from about 4.8 ms to 1.5 ms over the first 4,000, 500 at a
      // time); a service records all day, so the target is measured after them, and their figure is
      // printed too.
      const cold = WARMUP > 0 ? await recordAll(svc, staff, ids.slice(2 * RECORDS), typicalDay) : null;
      const typical = await recordAll(svc, staff, ids.slice(0, RECORDS), typicalDay);
      const heavy = await recordAll(svc, staff, ids.slice(RECORDS, 2 * RECORDS), warningHeavy);
      await stack.stopServices();
      out('');
      out(
        `machine                   ${machine.describe('broker, PostgreSQL, the service (own process) and the bench')}`,
      );
      out(`people under follow-up    ${PEOPLE} seeded`);
      out(
        `daily care pass           ${(pass.ms / 1000).toFixed(2)} s: ${pass.generated} follow-ups generated, ${pass.missed} missed (${pass.lost} lost) (target <= 10 s: ${pass.ms <= 10_000 ? 'met' : 'NOT met'}); isolations ${pass.phasesMs.isolations} ms, generation ${pass.phasesMs.generate} ms, missed pass ${pass.phasesMs.missed} ms`,
      );
      out(
        `second pass               ${(again.ms / 1000).toFixed(2)} s: ${again.generated} generated, ${again.missed} missed (idempotent)`,
      );
      if (cold) out(`recording, warm-up after start ${cold.figures} (not judged)`);
      out(`recording, a typical day  ${typical.figures} ${typical.verdict}`);
      out(`recording, warning-heavy  ${heavy.figures} ${heavy.verdict}`);
      out(
        JSON.stringify({
          bench: 'care',
          ...machine.json,
          people: PEOPLE,
          passSeconds: Number((pass.ms / 1000).toFixed(3)),
          passPhasesMs: pass.phasesMs,
          generated: pass.generated,
          missed: pass.missed,
          lost: pass.lost,
          secondPassSeconds: Number((again.ms / 1000).toFixed(3)),
          recorded: typical.recorded,
          recordPerSecond: typical.perSecond,
          recordP50Ms: typical.p50,
          recordP95Ms: typical.p95,
          recordEscalationPath: typical.mayEscalate,
          warmup: cold && { recorded: cold.recorded, perSecond: cold.perSecond, p50Ms: cold.p50, p95Ms: cold.p95 },
          heavy: {
            recorded: heavy.recorded,
            perSecond: heavy.perSecond,
            p50Ms: heavy.p50,
            p95Ms: heavy.p95,
            mayEscalate: heavy.mayEscalate,
          },
        }),
      );
    },
  );
}

/** A follow-up's answer: DONE with a reading; `mayEscalate` when it has a symptom or a warning sign. */
type Check = { status: 'DONE'; temperatureC: number; spo2: number; symptoms: string[] };

/**
 * A typical day: most people are well; 1 in 20 coughs, 1 in 25 has a fever of 38.6 °C, 1 in 50 an
 * SpO2 of 94 % (about 1 in 9 checks may escalate: a contact gets a test today, a case at home a bed).
 */
function typicalDay(i: number): Check {
  return {
    status: 'DONE',
    temperatureC: i % 25 === 2 ? 38.6 : (364 + (i % 10)) / 10,
    spo2: i % 50 === 1 ? 94 : 97 + (i % 3),
    symptoms: i % 20 === 0 ? ['COUGH'] : [],
  };
}

/** The first bench's mix, kept as a stress figure: a fifth with SpO2 95 %, two thirds at 37.5 °C or more. */
function warningHeavy(i: number): Check {
  return {
    status: 'DONE',
    temperatureC: 36.5 + (i % 30) / 10,
    spo2: 95 + (i % 5),
    symptoms: i % 7 === 0 ? ['COUGH'] : [],
  };
}

/** Records `ids` through POST /follow-ups/:id, CONCURRENCY at a time; throughput and latency. */
async function recordAll(
  svc: { call: (method: string, path: string, token: string, body?: unknown) => Promise<unknown> },
  token: string,
  ids: string[],
  check: (i: number) => Check,
) {
  log(`recording ${ids.length} follow-ups (${check.name}), ${CONCURRENCY} at a time`);
  const latencies: number[] = [];
  let next = 0;
  let mayEscalate = 0;
  const t = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < ids.length; i = next++) {
        const body = check(i);
        if (body.symptoms.length || body.spo2 < 96 || body.temperatureC >= 37.5) mayEscalate++;
        const s = performance.now();
        await svc.call('POST', `/follow-ups/${ids[i]}`, token, body);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const ms = Date.now() - t;
  latencies.sort((a, b) => a - b);
  const perSecond = ids.length / (ms / 1000);
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const met = perSecond >= 500 && p95 <= 50;
  return {
    recorded: ids.length,
    perSecond: Number(perSecond.toFixed(1)),
    p50: Number(p50.toFixed(1)),
    p95: Number(p95.toFixed(1)),
    mayEscalate,
    figures: `${ids.length} follow-ups (${mayEscalate} with a symptom or sign) in ${(ms / 1000).toFixed(2)} s: ${perSecond.toFixed(0)}/s, p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
    verdict: `(target >= 500/s and p95 <= 50 ms: ${met ? 'met' : 'NOT met'})`,
  };
}

runBench('bench:care', main);
