/**
 * `npm run bench:lab [-- --results N]`: one upload of N (default 10,000) lab results.
 *
 * 1. A fresh database; the real cases and quarantine services as their own processes (they apply
 *    their migrations), against a real broker (a fresh one from tools/kafka unless KAFKA_BROKERS is set).
 * 2. N registered persons seeded in SQL (as tracers would have registered them), each with a phone
 *    and a national ID number.
 * 3. One CSV of N results is POSTed to /lab-results: 45 % matched by phone (written 0…), 45 % by
 *    national ID, 10 % match nobody (queued); 5 % positives. The clock runs from the start of the
 *    request: to the answer (parse, match, store, LabResultMatched in the outbox), to quarantine
 *    having recorded every matched result (LabResultMatched, batched), and to cases having
 *    confirmed a case for every positive (TestResultRecorded). The target (issue 19: processed in
 *    ≤ 30 s) is end to end: the later of the last two.
 * Prints the figures and, last, one JSON line.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { benchMachine, benchOutput, intArg, runBench, withBenchStack } from '../support';

const { log, out } = benchOutput('bench:lab');
const RESULTS = intArg('results', 10_000);
const DB_URL = process.env.BENCH_LAB_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/contact_tracing_bench_lab';

async function main(): Promise<void> {
  const machine = benchMachine();
  await withBenchStack({ databaseUrl: DB_URL, clientId: 'bench-lab', log }, async (stack) => {
    const cases = await stack.service('cases');
    await stack.service('quarantine');
    const pg = await stack.db();
    const run = randomUUID().slice(0, 8);
    await pg.query(
      `INSERT INTO cases.persons (person_id, full_name, phone, national_id, area_code, vaccine_doses, created_at, updated_at)
       SELECT $2 || i, 'Bench ' || i, '+8491' || lpad(i::text, 7, '0'), '0792' || lpad(i::text, 8, '0'), '49', 0, now(), now()
         FROM generate_series(0, $1::int - 1) i`,
      [RESULTS, `bench-l-${run}-`],
    );
    log(`seeded ${RESULTS} persons`);
    const sample = new Date(Date.now() - 86_400_000).toISOString();
    const lines = ['lab_result_id,person_id,national_id,phone,test_type,result,sample_taken_at'];
    let expectMatched = 0;
    let expectPositives = 0;
    for (let i = 0; i < RESULTS; i++) {
      const kind = i % 20;
      const phone =
        kind < 9 ? `091${String(i).padStart(7, '0')}` : kind >= 18 ? `098${String(i).padStart(7, '0')}` : '';
      const nid = kind >= 9 && kind < 18 ? `0792${String(i).padStart(8, '0')}` : '';
      if (kind < 18) expectMatched++;
      const result = i % 20 === 3 ? 'POSITIVE' : 'NEGATIVE';
      if (result === 'POSITIVE' && kind < 18) expectPositives++;
      lines.push(`LAB-${run}-${i},,${nid},${phone},${i % 2 ? '94500-6' : '94558-4'},${result},${sample}`);
    }
    const csv = `${lines.join('\n')}\n`;
    const token = cases.issuer.mint({ subject: 'bench-lab', roles: ['quarantine'], areas: ['*'] });
    log(`POST /lab-results: ${RESULTS} results, ${(csv.length / 2 ** 20).toFixed(1)} MiB of CSV`);
    const t0 = Date.now();
    const res = await fetch(`${cases.base}/lab-results`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const body = (await res.json()) as {
      matched: { count: number };
      queued: { count: number };
      rejected: { count: number };
    };
    const answeredMs = Date.now() - t0;
    if (res.status !== 200 || body.matched.count !== expectMatched || body.queued.count !== RESULTS - expectMatched)
      throw new Error(`unexpected answer ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
    // Both polled together until both are complete; each figure is taken when its own count is.
    let recordedMs = 0;
    let confirmedMs = 0;
    for (const deadline = Date.now() + 600_000; !recordedMs || !confirmedMs;) {
      if (Date.now() > deadline) throw new Error(`not all results recorded and positives confirmed after 600 s`);
      await new Promise((r) => setTimeout(r, 200));
      const { recorded, confirmed } = (
        await pg.query(
          `SELECT (SELECT count(*)::int FROM quarantine.tests WHERE recorded_by = 'cases:lab-results' AND status = 'RECORDED') AS recorded,
                  (SELECT count(*)::int FROM cases.cases c JOIN cases.lab_results l ON l.id = c.source_test_id
                    WHERE l.lab_result_id LIKE $1) AS confirmed`,
          [`LAB-${run}-%`],
        )
      ).rows[0];
      if (!recordedMs && recorded >= expectMatched) recordedMs = Date.now() - t0;
      if (!confirmedMs && confirmed >= expectPositives) confirmedMs = Date.now() - t0;
    }
    const endToEndMs = Math.max(recordedMs, confirmedMs);

    out('');
    out(
      `machine            ${machine.describe('broker, PostgreSQL, cases and quarantine (own processes) and the bench')}`,
    );
    out(
      `upload             ${RESULTS} results (CSV) answered in ${(answeredMs / 1000).toFixed(2)} s: ${body.matched.count} matched, ${body.queued.count} queued`,
    );
    out(
      `recorded           all ${expectMatched} matched results recorded by quarantine ${(recordedMs / 1000).toFixed(2)} s after the request started`,
    );
    out(
      `confirmed          a case for each of the ${expectPositives} positives confirmed by cases ${(confirmedMs / 1000).toFixed(2)} s after the request started`,
    );
    out(
      `end to end         ${RESULTS} results processed in ${(endToEndMs / 1000).toFixed(2)} s (target <= 30 s: ${endToEndMs <= 30_000 ? 'met' : 'NOT met'})`,
    );
    out(
      JSON.stringify({
        bench: 'lab',
        ...machine.json,
        results: RESULTS,
        answerSeconds: Number((answeredMs / 1000).toFixed(3)),
        recordedSeconds: Number((recordedMs / 1000).toFixed(3)),
        confirmedSeconds: Number((confirmedMs / 1000).toFixed(3)),
        endToEndSeconds: Number((endToEndMs / 1000).toFixed(3)),
        targetSeconds: 30,
        met: endToEndMs <= 30_000,
      }),
    );
  });
}

runBench('bench:lab', main);
