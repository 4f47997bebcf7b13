/**
 * `npm run bench:ingest [-- --count N]`: how fast check-ins go from checkins.v1 into the visit store.
 *
 * 1. Generates N check-ins with the feed simulator (deterministic) and publishes them to
 *    checkins.v1 on a real broker (a fresh one from tools/kafka unless KAFKA_BROKERS is set).
 * 2. Baseline A: a bare kafkajs consumer (own group, no parsing, no database) reads them all.
 * 3. Baseline B: PostgreSQL COPY of the same rows into a table shaped like tracing.visits
 *    (same day partitions, primary key and indexes).
 * 4. The real tracing service (`node dist/apps/tracing/src/main.js`, a child process) consumes them
 *    from the beginning; the clock stops when its consumer group's committed offsets reach the
 *    end of every partition (offsets are committed only after the batch's transaction commits),
 *    then the stored rows are counted. Its peak RSS is the child's VmHWM from /proc.
 * Prints each rate, the ratios and, last, one JSON line.
 */
import 'reflect-metadata';
import { Topics } from '@ct/contracts';
import { createKafka, EventPublisher, MessagingObserver, parseBrokers, provisionTopics } from '@ct/messaging';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { TracingService } from '../../apps/tracing/src/service';
import { freePort, startBroker, RunningBroker } from '../../tools/kafka/broker';
import { formatCsvRow, lineToEvent } from '../../tools/feed/csv';
import { simulate, SimulationOptions } from '../../tools/feed/simulate';
import { endOfStay } from '../../apps/tracing/src/visits/domain/visit-policy';
import { benchOutput, freshBenchDatabase, intArg, runBench, startServiceProcess } from '../support';

const { log, out } = benchOutput('bench');

const COUNT = intArg('count', 1_000_000);
const PARTITIONS = intArg('partitions', 6);
const DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/contact_tracing_bench';
const DAYS = 7;

/** The simulated population big enough for COUNT check-ins, over the last 7 days (inside retention). */
function simulation(): SimulationOptions {
  const people = Math.max(100, Math.ceil(COUNT / (DAYS * 1.8)));
  const start = new Date(Date.now() - (DAYS + 1) * 86_400_000).toISOString().slice(0, 10);
  return { people, venues: Math.max(50, Math.ceil(people / 15)), days: DAYS, seed: 'bench', start };
}

function* rows(o: SimulationOptions) {
  let n = 0;
  for (const r of simulate(o)) {
    if (n++ >= COUNT) return;
    yield r;
  }
  if (n < COUNT) throw new Error(`the simulation made only ${n} check-ins, fewer than ${COUNT}`);
}

async function publishAll(brokers: string, o: SimulationOptions): Promise<number> {
  // Several producers in parallel: one idempotent producer keeps one request in flight. Each stay
  // appears once in the simulation, so the order between producers does not matter here.
  const publishers = Array.from(
    { length: 4 },
    (_, i) =>
      new EventPublisher(
        createKafka({ brokers: parseBrokers(brokers), clientId: `bench-producer-${i}` }),
        new MessagingObserver(),
      ),
  );
  const started = Date.now();
  let batch: Parameters<EventPublisher['publish']>[0] = [];
  let sent = 0;
  let lastLog = Date.now();
  const inFlight = new Map<number, Promise<void>>();
  let next = 0;
  const send = async (events: typeof batch) => {
    const slot = next++ % publishers.length;
    await inFlight.get(slot);
    inFlight.set(
      slot,
      publishers[slot].publish(events).then(() => {
        sent += events.length;
      }),
    );
  };
  for (const r of rows(o)) {
    const e = lineToEvent(formatCsvRow(r), 'bench');
    if (e.ok !== true) throw new Error(`simulated row refused: ${JSON.stringify(e)}`);
    batch.push(e.event);
    if (batch.length === 1000) {
      await send(batch);
      batch = [];
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(`published ${sent}/${COUNT}`);
      }
    }
  }
  if (batch.length > 0) await send(batch);
  await Promise.all(inFlight.values());
  await Promise.all(publishers.map((p) => p.onApplicationShutdown()));
  const secs = (Date.now() - started) / 1000;
  log(`published ${sent} check-ins in ${secs.toFixed(1)} s (${Math.round(sent / secs)}/s)`);
  return sent;
}

/** Baseline A: kafkajs alone, same fetch settings as the service, nothing done with the messages. */
async function rawConsume(brokers: string): Promise<{ secs: number; rate: number }> {
  const kafka = createKafka({ brokers: parseBrokers(brokers), clientId: 'bench-raw' });
  const consumer = kafka.consumer({
    groupId: `bench-raw-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 1048576,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [Topics.CHECKINS], fromBeginning: true });
  let seen = 0;
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        partitionsConsumedConcurrently: 6,
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= COUNT) resolve();
        },
      })
      .catch(reject);
  });
  const secs = (Date.now() - started) / 1000;
  await consumer.disconnect();
  return { secs, rate: COUNT / secs };
}

/** Baseline B: COPY the same rows into a table shaped like tracing.visits. */
async function rawCopy(o: SimulationOptions): Promise<{ secs: number; rate: number }> {
  const c = new Client({ connectionString: DB_URL });
  await c.connect();
  await c.query('DROP SCHEMA IF EXISTS bench_copy CASCADE');
  await c.query('CREATE SCHEMA bench_copy');
  await c.query(`CREATE TABLE bench_copy.visits (
      check_in_id text NOT NULL, person_id text NOT NULL, venue_id text NOT NULL,
      checked_in_at timestamptz NOT NULL, checked_out_at timestamptz, ends_at timestamptz NOT NULL,
      source text NOT NULL, received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (check_in_id, checked_in_at)) PARTITION BY RANGE (checked_in_at)`);
  await c.query('CREATE INDEX ON bench_copy.visits (venue_id, checked_in_at, ends_at)');
  await c.query('CREATE INDEX ON bench_copy.visits (person_id, checked_in_at)');
  const first = new Date(Date.parse(`${o.start}T00:00:00Z`) - 86_400_000);
  for (let d = 0; d <= DAYS + 1; d++) {
    const from = new Date(first.getTime() + d * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(first.getTime() + (d + 1) * 86_400_000).toISOString().slice(0, 10);
    await c.query(
      `CREATE TABLE bench_copy.visits_${from.replace(/-/g, '')} PARTITION OF bench_copy.visits FOR VALUES FROM ('${from}T00:00:00Z') TO ('${to}T00:00:00Z')`,
    );
  }
  // Rows prepared the way the service prepares them (derived id, ends_at), then streamed as COPY text.
  const lines = (function* () {
    let chunk = '';
    for (const r of rows(o)) {
      const e = lineToEvent(formatCsvRow(r), 'bench');
      if (e.ok !== true) continue;
      const p = e.event.payload;
      const inAt = new Date(p.checkedInAt);
      const outAt = p.checkedOutAt === null ? null : new Date(p.checkedOutAt);
      chunk += `${p.checkInId}\t${p.personId}\t${p.venueId}\t${inAt.toISOString()}\t${outAt ? outAt.toISOString() : '\\N'}\t${endOfStay(inAt, outAt, 60).toISOString()}\t${p.source}\n`;
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk;
  })();
  // Validation and preparation are measured apart from COPY: materialize first.
  const prepared = [...lines];
  const started = Date.now();
  await pipeline(
    Readable.from(prepared),
    c.query(
      copyFrom(
        'COPY bench_copy.visits (check_in_id, person_id, venue_id, checked_in_at, checked_out_at, ends_at, source) FROM STDIN',
      ),
    ),
  );
  const secs = (Date.now() - started) / 1000;
  const [{ n }] = (await c.query('SELECT count(*)::int AS n FROM bench_copy.visits')).rows;
  if (n !== COUNT) throw new Error(`COPY stored ${n} rows, expected ${COUNT}`);
  await c.query('DROP SCHEMA bench_copy CASCADE');
  await c.end();
  return { secs, rate: COUNT / secs };
}

async function lagZero(brokers: string): Promise<boolean> {
  const admin = createKafka({ brokers: parseBrokers(brokers), clientId: 'bench-admin' }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(Topics.CHECKINS);
    const [committed] = await admin.fetchOffsets({ groupId: 'tracing', topics: [Topics.CHECKINS] });
    return ends.every((e) => {
      const c = committed.partitions.find((p) => p.partition === e.partition);
      return c !== undefined && c.offset !== '-1' && BigInt(c.offset) >= BigInt(e.high);
    });
  } finally {
    await admin.disconnect();
  }
}

function vm(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function tracingService(
  brokers: string,
): Promise<{ secs: number; rate: number; peakRssBytes: number; bootSecs: number }> {
  const svc = await startServiceProcess(
    'tracing',
    await freePort(),
    {
      DATABASE_URL: DB_URL,
      KAFKA_BROKERS: brokers,
      KAFKA_PARTITIONS_CHECKINS: String(PARTITIONS),
      // No retention run during the measurement; production refuses that setting, so NODE_ENV=test.
      RETENTION_INTERVAL_MINUTES: '0',
      NODE_ENV: 'test',
    },
    log,
  );
  try {
    // Ready: /health answers (createServiceApp has started the consumers by then); boot is not counted.
    const ready = Date.now();
    const bootSecs = svc.bootMs / 1000;
    log('consuming');
    let peakSampled = 0;
    let lastLog = Date.now();
    for (;;) {
      peakSampled = Math.max(peakSampled, vm(svc.pid, 'VmRSS'));
      if (await lagZero(brokers)) break;
      const gone = svc.exited();
      if (gone) throw gone;
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`... ${((Date.now() - ready) / 1000).toFixed(0)} s, RSS ${(vm(svc.pid, 'VmRSS') / 1048576).toFixed(0)} MB`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const secs = (Date.now() - ready) / 1000;
    const peakRssBytes = Math.max(vm(svc.pid, 'VmHWM'), peakSampled);
    const c = new Client({ connectionString: DB_URL });
    await c.connect();
    const [{ n }] = (await c.query('SELECT count(*)::int AS n FROM tracing.visits')).rows;
    await c.end();
    if (n !== COUNT) throw new Error(`the visit store holds ${n} stays, expected ${COUNT}`);
    return { secs, rate: COUNT / secs, peakRssBytes, bootSecs };
  } finally {
    await svc.stop();
  }
}

async function main(): Promise<void> {
  let broker: RunningBroker | undefined;
  try {
    let brokers = process.env.KAFKA_BROKERS;
    if (!brokers) {
      log('starting a fresh Kafka broker (tools/kafka)');
      broker = await startBroker({ log, heapMb: 768 });
      brokers = broker.brokers;
    } else
      log(
        `using the broker at ${brokers}: it should be one nobody else uses (the tracing group and checkins.v1 are shared)`,
      );
    await freshBenchDatabase(DB_URL, TracingService);
    await provisionTopics(createKafka({ brokers: parseBrokers(brokers), clientId: 'bench-setup' }), {
      checkins: PARTITIONS,
      default: 3,
    });
    const o = simulation();
    log(
      `${COUNT} check-ins: ${o.people} simulated people, ${o.venues} venues, ${DAYS} days from ${o.start}; database ${new URL(DB_URL).pathname.slice(1)}`,
    );

    const produced = await publishAll(brokers, o);
    // --service-only: skip the baselines (for tuning runs; their figures print as NaN).
    const serviceOnly = process.argv.includes('--service-only');
    log('baseline A: raw kafkajs consume');
    const raw = serviceOnly ? { rate: NaN, secs: NaN } : await rawConsume(brokers);
    log(`  ${Math.round(raw.rate)} msg/s (${raw.secs.toFixed(1)} s)`);
    log('baseline B: raw PostgreSQL COPY of the same rows');
    const copy = serviceOnly ? { rate: NaN, secs: NaN } : await rawCopy(o);
    log(`  ${Math.round(copy.rate)} rows/s (${copy.secs.toFixed(1)} s)`);
    log('tracing service: checkins.v1 → tracing.visits');
    const svc = await tracingService(brokers);

    const mb = (b: number) => Math.round(b / 1048576);
    out('');
    out(`check-ins                      ${COUNT} (published ${produced})`);
    out(
      `machine                        ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; broker and PostgreSQL on the same machine`,
    );
    out(`raw kafkajs consume            ${Math.round(raw.rate)} msg/s  (${raw.secs.toFixed(1)} s)`);
    out(`raw PostgreSQL COPY            ${Math.round(copy.rate)} rows/s (${copy.secs.toFixed(1)} s)`);
    out(
      `tracing service end to end     ${Math.round(svc.rate)} check-ins/s (${svc.secs.toFixed(1)} s from ready to all committed; boot ${svc.bootSecs.toFixed(1)} s not counted)`,
    );
    out(`  / raw consume                ${(svc.rate / raw.rate).toFixed(2)}  (target >= 0.5)`);
    out(`  / raw COPY                   ${(svc.rate / copy.rate).toFixed(2)}`);
    out(`tracing peak RSS               ${mb(svc.peakRssBytes)} MB (VmHWM of the child process; target <= 400 MB)`);
    out(`target end to end              >= 50000 check-ins/s: ${svc.rate >= 50000 ? 'met' : 'NOT met'}`);
    out(
      JSON.stringify({
        bench: 'ingest',
        count: COUNT,
        partitions: PARTITIONS,
        cores: cpus().length,
        rawConsumePerSec: Math.round(raw.rate),
        rawCopyPerSec: Math.round(copy.rate),
        endToEndPerSec: Math.round(svc.rate),
        endToEndSeconds: Number(svc.secs.toFixed(2)),
        ratioToRawConsume: Number((svc.rate / raw.rate).toFixed(3)),
        ratioToRawCopy: Number((svc.rate / copy.rate).toFixed(3)),
        tracingPeakRssMb: mb(svc.peakRssBytes),
        rssMeasuredIn: 'child process /proc/<pid>/status VmHWM',
      }),
    );
  } finally {
    await broker?.stop();
  }
}

runBench('bench:ingest', main);
