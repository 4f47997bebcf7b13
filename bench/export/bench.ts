/**
 * `npm run bench:export [-- --rows N]`: the memory of a streamed export of N (default 1,000,000) cases.
 *
 * 1. A fresh database with the cases schema and N persons with N cases seeded in SQL.
 * 2. The real cases service as its own process (against a real broker: a fresh one unless
 *    KAFKA_BROKERS is set).
 * 3. GET /exports/cases.csv and then /exports/cases.xlsx as an admin (identity columns included),
 *    the body read and counted, not kept; the service's heap (nodejs_heap_size_used_bytes) and RSS
 *    (process_resident_memory_bytes) read from its /metrics every 250 ms, before and during each, and
 *    its CPU time (process_cpu_seconds_total) before and after each: rows per CPU second compare
 *    runs on a machine loaded by other work, where rows per second do not.
 * Prints the figures and, last, one JSON line.
 */
import 'reflect-metadata';
import { cpus, loadavg, totalmem } from 'node:os';
import { Client } from 'pg';
import { migrations } from '../../apps/cases/src/migrations';
import { freePort, RunningBroker, startBroker } from '../../tools/kafka/broker';
import { benchOutput, freshBenchDatabase, intArg, runBench, startServiceProcess } from '../support';

const { log, out } = benchOutput('bench:export');
const ROWS = intArg('rows', 1_000_000);
const DB_URL =
  process.env.BENCH_EXPORT_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/contact_tracing_bench_export';
const MiB = 2 ** 20;

async function sampleMemory(base: string, token: string): Promise<{ heap: number; rss: number; cpu: number }> {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    heap: value('nodejs_heap_size_used_bytes'),
    rss: value('process_resident_memory_bytes'),
    cpu: value('process_cpu_seconds_total'),
  };
}

async function main(): Promise<void> {
  let broker: RunningBroker | undefined;
  let stop = async (): Promise<void> => undefined;
  const load = loadavg();
  try {
    let brokers = process.env.KAFKA_BROKERS;
    if (!brokers) {
      log('starting a fresh Kafka broker (tools/kafka)');
      broker = await startBroker({ log, heapMb: 512 });
      brokers = broker.brokers;
    } else log(`using the broker at ${brokers}`);
    await freshBenchDatabase(DB_URL, { schema: 'cases', migrations });
    const pg = new Client({ connectionString: DB_URL });
    await pg.connect();
    const t = Date.now();
    await pg.query(
      `INSERT INTO cases.persons (person_id, full_name, phone, national_id, area_code, vaccine_doses, created_at, updated_at)
       SELECT 'bench-e-' || i, 'Nguyễn Thị Xuân ' || i, '+8491' || lpad(i::text, 7, '0'), '0792' || lpad(i::text, 8, '0'),
         (ARRAY['20290','20293','20335','20557'])[1 + i % 4], 2, now(), now() FROM generate_series(1, $1::int) i`,
      [ROWS],
    );
    await pg.query(
      `INSERT INTO cases.cases (id, person_id, confirmed_at, test_type, origin, area_code, status, sample_taken_at)
       SELECT gen_random_uuid(), 'bench-e-' || i, timestamptz '2021-11-01T00:00:00Z' + i * interval '2 seconds', 'PCR',
         'INVESTIGATION', (ARRAY['20290','20293','20335','20557'])[1 + i % 4], 'OPEN', timestamptz '2021-10-31T00:00:00Z'
         FROM generate_series(1, $1::int) i`,
      [ROWS],
    );
    await pg.query('ANALYZE cases.cases; ANALYZE cases.persons');
    await pg.end();
    log(`seeded ${ROWS} persons and cases in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const svc = await startServiceProcess(
      'cases',
      await freePort(),
      { DATABASE_URL: DB_URL, KAFKA_BROKERS: brokers },
      log,
    );
    stop = svc.stop;
    const admin = svc.issuer.mint({ subject: 'bench-export', roles: ['admin'], areas: ['*'] });
    const ops = svc.issuer.mint({ subject: 'bench-export-metrics', roles: ['ops'], areas: ['*'] });
    const idle = await sampleMemory(svc.base, ops);
    const results: Record<
      string,
      {
        seconds: number;
        bytes: number;
        maxHeapMiB: number;
        maxRssMiB: number;
        rowsPerSecond: number;
        cpuSeconds: number;
      }
    > = {};
    // BENCH_EXPORT_FORMATS=csv: one format only (e.g. with BENCH_SERVICE_NODE_ARGS=--max-old-space-size=128).
    for (const format of (process.env.BENCH_EXPORT_FORMATS ?? 'csv,xlsx').split(',')) {
      let maxHeap = 0;
      let maxRss = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const m = await sampleMemory(svc.base, ops);
          maxHeap = Math.max(maxHeap, m.heap);
          maxRss = Math.max(maxRss, m.rss);
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      const cpu0 = (await sampleMemory(svc.base, ops)).cpu;
      const t0 = Date.now();
      const res = await fetch(`${svc.base}/exports/cases.${format}`, { headers: { authorization: `Bearer ${admin}` } });
      if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}`);
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      const seconds = (Date.now() - t0) / 1000;
      sampling = false;
      await sampler;
      // The service's own CPU time (user + system, zlib's threads included): comparable on a loaded machine.
      const cpuSeconds = (await sampleMemory(svc.base, ops)).cpu - cpu0;
      results[format] = {
        seconds,
        bytes,
        maxHeapMiB: maxHeap / MiB,
        maxRssMiB: maxRss / MiB,
        rowsPerSecond: Math.round(ROWS / seconds),
        cpuSeconds: Math.round(cpuSeconds * 10) / 10,
      };
      log(`${format}: ${(bytes / MiB).toFixed(0)} MiB in ${seconds.toFixed(1)} s`);
    }
    await stop();

    out('');
    out(
      `machine            ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; broker, PostgreSQL, the cases service (own process) and the bench on the same machine; load average at start ${load.map((l) => l.toFixed(2)).join(' ')}`,
    );
    out(`idle service       heap ${(idle.heap / MiB).toFixed(0)} MiB, RSS ${(idle.rss / MiB).toFixed(0)} MiB`);
    for (const [format, r] of Object.entries(results))
      out(
        `${format.padEnd(18)} ${ROWS} rows, ${(r.bytes / MiB).toFixed(0)} MiB in ${r.seconds.toFixed(1)} s (${r.rowsPerSecond} rows/s; service CPU ${r.cpuSeconds} s, ${Math.round(ROWS / r.cpuSeconds)} rows per CPU second); service heap at most ${r.maxHeapMiB.toFixed(0)} MiB, RSS at most ${r.maxRssMiB.toFixed(0)} MiB`,
      );
    out(
      JSON.stringify({
        bench: 'export',
        cores: cpus().length,
        loadAvgAtStart: load.map((l) => Number(l.toFixed(2))),
        rows: ROWS,
        idleHeapMiB: Math.round(idle.heap / MiB),
        ...Object.fromEntries(
          Object.entries(results).map(([f, r]) => [
            f,
            { ...r, maxHeapMiB: Math.round(r.maxHeapMiB), maxRssMiB: Math.round(r.maxRssMiB) },
          ]),
        ),
      }),
    );
  } finally {
    await stop();
    await broker?.stop();
  }
}

runBench('bench:export', main);
