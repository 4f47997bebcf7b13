import { CheckInRecorded, createEvent, EventEnvelope } from '@ct/contracts';
import { createKafka, EventPublisher, MessagingObserver, parseBrokers, provisionTopics } from '@ct/messaging';
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, chownSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../tools/kafka/broker';

export const FAULTS_LOG_DIR = join(__dirname, '..', '..', 'test-artifacts', 'faults');
const ROOT = join(__dirname, '..', '..');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const seconds = (ms: number) => Number((ms / 1000).toFixed(1));

/** One line per measured figure, on stderr and in test-artifacts/faults/figures.txt (docs/RELIABILITY.md). */
export function figure(scenario: string, what: string, value: string | number): void {
  const line = `[faults] ${scenario}: ${what} = ${value}`;
  process.stderr.write(`${line}\n`);
  appendFileSync(join(FAULTS_LOG_DIR, 'figures.txt'), `${line}\n`);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${(last as Error).message})` : ''}`,
      );
    await sleep(everyMs);
  }
}

export interface ServiceProc {
  app: string;
  port: number;
  pid: number;
  base: string;
  spawnedAt: number;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

let instances = 0;

/** A service as its own process from the build, the way production runs it, logging to test-artifacts/faults. */
export async function spawnService(app: string, env: Record<string, string>, port?: number): Promise<ServiceProc> {
  const p = port ?? (await freePort());
  const logFile = join(FAULTS_LOG_DIR, `${app}-${++instances}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(p),
        LOG_LEVEL: 'info',
        DB_MIGRATE_ON_BOOT: 'false',
        KAFKA_PARTITIONS_CHECKINS: '6',
        KAFKA_PARTITIONS_DEFAULT: '3',
        // Production refuses the development self-report key (quarantine).
        CARE_SELF_REPORT_SECRET: 'faults-only-self-report-secret-0123456789abcdef',
        ...env,
      },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const proc: ServiceProc = {
    app,
    port: p,
    pid: child.pid!,
    base: `http://127.0.0.1:${p}`,
    spawnedAt: Date.now(),
    logFile,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

const running = new Set<ServiceProc>();
/** Every service process still running (afterAll stops them). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill('SIGTERM')));
}

/** ms from `since` until GET path answers 200 (the process must stay up meanwhile). */
export async function timeUntil(
  proc: ServiceProc,
  path: '/health/live' | '/health/ready',
  since: number,
  timeoutMs = 60_000,
): Promise<number> {
  let gone = false;
  void proc.exited.then(() => (gone = true));
  await waitFor(
    `${proc.app} ${path}`,
    async () => {
      if (gone) throw new Error(`${proc.app} exited; see ${proc.logFile}`);
      const r = await fetch(`${proc.base}${path}`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      return r?.status === 200;
    },
    timeoutMs,
    50,
  );
  return Date.now() - since;
}

/** An idempotent acks=all producer in its own thread, so the test's clock and probes stay responsive while it sends. */
/**
 * How long the process took from its start to listening on HTTP, as it logged it ("process up N ms"):
 * node loading the modules and Nest building the app, which CPU contention stretches (on the shared
 * 2-core machine, 4-19 s); what the design controls (the group join, the catch-up) comes after.
 */
export function bootMs(proc: ServiceProc): number {
  const m = /"tracing listening on [^"]*process up (\d+) ms|listening on [^"]*process up (\d+) ms/.exec(
    readFileSync(proc.logFile, 'utf8'),
  );
  if (!m) throw new Error(`${proc.app} did not log its boot time in ${proc.logFile}`);
  return Number(m[1] ?? m[2]);
}

export function publisherFor(brokers: string, clientId = 'faults'): EventPublisher {
  return new EventPublisher(createKafka({ brokers: parseBrokers(brokers), clientId }), new MessagingObserver(), {
    brokers: parseBrokers(brokers),
    clientId,
  });
}

export async function provision(brokers: string): Promise<void> {
  await provisionTopics(createKafka({ brokers: parseBrokers(brokers), clientId: 'faults-setup' }), {
    checkins: 6,
    default: 3,
  });
}

export async function db(): Promise<Client> {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  return c;
}

/** `n` check-ins of one run (source tags them), spread over `venues` venues, two hours ago. */
export function checkIns(run: string, n: number, venues = 200): EventEnvelope<'CheckInRecorded'>[] {
  const at = Date.now() - 2 * 3_600_000;
  return Array.from({ length: n }, (_, i) => {
    const p: CheckInRecorded = {
      checkInId: `ci-${run}-${i}`,
      personId: `p-${run}-${i % 5000}`,
      venueId: `v-${run}-${i % venues}`,
      checkedInAt: new Date(at + (i % 3600) * 1000).toISOString(),
      checkedOutAt: null,
      source: `faults:${run}`,
    };
    return createEvent('CheckInRecorded', p, { source: '/faults' });
  });
}

/** Stays of a run: rows, and distinct check-in ids (equal when nothing is stored twice). */
export async function stays(pg: Client, run: string): Promise<{ rows: number; distinct: number }> {
  const { rows } = await pg.query(
    'SELECT count(*)::int AS rows, count(DISTINCT check_in_id)::int AS distinct FROM tracing.visits WHERE source = $1',
    [`faults:${run}`],
  );
  return rows[0];
}

export const newRun = () => randomUUID().slice(0, 8);

/**
 * A fresh KRaft broker may answer the first InitProducerId with a retriable error until it has a block
 * of producer ids from its controller (a service logged "Response InitProducerId" and kafkajs retried
 * with backoff). Brokers in production are long-lived; a scenario that times a service's first
 * publish calls this once after starting its broker, so that publish is not the broker's first.
 */
export async function warmProducerIds(brokers: string): Promise<void> {
  const producer = createKafka({ brokers: parseBrokers(brokers), clientId: 'faults-warmup' }).producer({
    idempotent: true,
  });
  await producer.connect();
  await producer.disconnect();
}

export interface PrivatePostgres {
  port: number;
  /** Maintenance URL (database postgres). */
  server: string;
  dir: string;
  /** pg_ctl start, waiting until it accepts connections. */
  start(): Promise<void>;
  /** pg_ctl stop -m fast (sessions disconnected, a clean shutdown). */
  stop(): Promise<void>;
  /** Stops it if running and removes its directory. */
  remove(): Promise<void>;
}

const PG_BIN = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of the scenario's own (initdb in a temp dir, on a free port, trust auth on
 * 127.0.0.1 only), so a scenario can stop it without touching the machine's shared server. As root
 * (initdb and postgres refuse root) it runs as the `postgres` OS user, owning the directory.
 */
export async function startPrivatePostgres(
  opts: { sharedBuffers?: string; log?: (l: string) => void } = {},
): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'faults-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (bin: string, args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const [cmd, argv] = asRoot
        ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]]
        : [join(PG_BIN, bin), args];
      execFile(cmd, argv, { timeout: 120_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${bin} ${args.join(' ')}: ${err.message} ${stderr}`)) : resolve(stdout),
      );
    });
  const port = await freePort();
  const data = join(dir, 'data');
  const log = opts.log ?? (() => undefined);
  const t0 = Date.now();
  await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  log(`postgres: initdb in ${dir} (${Date.now() - t0} ms)`);
  const settings = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c shared_buffers=${opts.sharedBuffers ?? '32MB'} -c max_connections=100`;
  let running = false;
  const pg: PrivatePostgres = {
    port,
    dir,
    server: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await run('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', '-o', settings, 'start']);
      running = true;
    },
    async stop() {
      await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      running = false;
    },
    async remove() {
      if (running) await pg.stop().catch((err) => log(`postgres: stop failed: ${(err as Error).message}`));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  log(`postgres: private cluster on 127.0.0.1:${port} (${Date.now() - t0} ms)`);
  return pg;
}

const parsed = new WeakMap<object, Record<string, unknown>>();
/**
 * A tapped message's payload, parsed once: TopicTap.waitFor runs its predicate over every message
 * at every new one, so a predicate that parses JSON costs n² parses (seconds at 3,000 messages).
 */
export function payloadOf(m: { value: Buffer | string | null }): Record<string, unknown> {
  const known = parsed.get(m);
  if (known) return known;
  const p = JSON.parse(String(m.value)) as Record<string, unknown>;
  parsed.set(m, p);
  return p;
}

/**
 * The messages of `tap` matching `predicate`, once there are at least `count`: polled every 100 ms
 * (TopicTap.waitFor runs its predicate over every message at every new one: n² for n messages,
 * seconds of the test's own CPU at a few thousand, which a recovery figure must not include).
 */
export function tapped<M>(
  tap: { messages: M[] },
  what: string,
  predicate: (m: M) => boolean,
  count: number,
  timeoutMs = 90_000,
): Promise<M[]> {
  return waitFor(
    what,
    async () => {
      const found = tap.messages.filter(predicate);
      return found.length >= count ? found : undefined;
    },
    timeoutMs,
    100,
  );
}
