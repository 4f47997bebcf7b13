/**
 * A real, single-node Apache Kafka broker (KRaft combined mode) for development and integration tests,
 * without Docker: the broker jars come from Maven Central (resolved once by Maven into a project
 * cache) and the broker runs as a plain `java` process.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp, openSync, closeSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { signalGroup } from '../support/process-group';

export interface BrokerOptions {
  /** 0 or undefined = pick a free loopback port. */
  port?: number;
  /** 0 or undefined = pick a free loopback port. */
  controllerPort?: number;
  /** Default: a fresh temp dir. */
  dataDir?: string;
  /** Keep the data between runs: storage is formatted only once and nothing is removed on stop. */
  keepData?: boolean;
  /** JVM max heap; default 512. */
  heapMb?: number;
  /** Where the broker jars are cached; default `<repo>/.cache/kafka`. */
  cacheDir?: string;
  /** Progress lines; default writes to stderr. */
  log?: (line: string) => void;
  /** Default 90 s. */
  readyTimeoutMs?: number;
  /** Cluster membership (startCluster); a single node by default. */
  cluster?: ClusterMembership;
}

/** One node of a KRaft cluster whose nodes are all combined broker and controller. */
export interface ClusterMembership {
  nodeId: number;
  /** controller.quorum.voters, e.g. "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097". */
  voters: string;
  /** Shared by every node's storage format. */
  clusterId: string;
  /** Replicas of every topic (default.replication.factor, offsets and transaction logs). */
  replicationFactor: number;
  minInsyncReplicas: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningBroker {
  /** "127.0.0.1:port", ready for a kafkajs `brokers` list. */
  brokers: string;
  port: number;
  pid: number;
  dataDir: string;
  logFile: string;
  /** Settles when the java process exits, whether through stop() or not. */
  exited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

const KAFKA_JAR = /^kafka_2\.13-3\.9[^/]*\.jar$/;
const READY_MARKER = 'Kafka Server started';
const TAIL_LINES = 40;
const STOP_GRACE_MS = 20_000;

const defaultLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** The repo root is wherever tools/kafka/pom.xml is, both from tools/kafka (ts) and dist/tools/kafka (js). */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'tools', 'kafka', 'pom.xml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`kafka: cannot find tools/kafka/pom.xml above ${__dirname}`);
  }
}

function defaultCacheDir(): string {
  return join(repoRoot(), '.cache', 'kafka');
}

function hasKafkaJar(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => KAFKA_JAR.test(f));
  } catch {
    return false;
  }
}

function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)} s`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Download dirs are named lib.tmp-<pid>-<rand>; ones whose owner died were interrupted and are just junk. */
async function removeAbandonedDownloads(cacheDir: string): Promise<void> {
  const entries = await fsp.readdir(cacheDir).catch(() => [] as string[]);
  for (const name of entries) {
    const m = /^lib\.tmp-(\d+)-/.exec(name);
    if (m && !isAlive(Number(m[1]))) await fsp.rm(join(cacheDir, name), { recursive: true, force: true });
  }
}

/** Shows download progress: one self-updating line on a TTY, otherwise a line every 10 files. */
function progressReporter(log: (l: string) => void, useTty: boolean) {
  const label = 'kafka: downloading broker jars from Maven Central…';
  let files = 0;
  let lineOpen = false;
  if (useTty) {
    process.stderr.write(`${label} 0 files`);
    lineOpen = true;
  } else {
    log(`${label} (first run only)`);
  }
  return {
    downloaded(): void {
      files += 1;
      if (useTty) process.stderr.write(`\r${label} ${files} files`);
      else if (files % 10 === 0) log(`${label} ${files} files`);
    },
    end(): number {
      if (lineOpen) process.stderr.write('\n');
      lineOpen = false;
      return files;
    },
  };
}

/** Resolves the broker jars into `<cacheDir>/lib` (once) and returns that directory. */
export async function ensureKafkaJars(opts: { cacheDir?: string; log?: (l: string) => void } = {}): Promise<string> {
  const cacheDir = resolve(opts.cacheDir ?? defaultCacheDir());
  const libDir = join(cacheDir, 'lib');
  if (hasKafkaJar(libDir)) return libDir;

  const log = opts.log ?? defaultLog;
  const started = Date.now();
  await fsp.mkdir(cacheDir, { recursive: true });
  await removeAbandonedDownloads(cacheDir);
  // Maven writes into a private dir that is renamed into place only when complete, so an
  // interrupted run can never leave a lib dir that passes the hasKafkaJar() check.
  const tmpLib = join(cacheDir, `lib.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const pom = join(repoRoot(), 'tools', 'kafka', 'pom.xml');
  const progress = progressReporter(log, !opts.log && process.stderr.isTTY === true);
  try {
    // Not -q: the "Downloaded from" lines are what the progress counts.
    const args = [
      '-B',
      '-Dstyle.color=never',
      '-f',
      pom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${tmpLib}`,
      '-DincludeScope=runtime',
    ];
    const tail: string[] = [];
    const exit = await new Promise<ProcessExit>((res, rej) => {
      const mvn = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      mvn.on('error', (err: NodeJS.ErrnoException) =>
        rej(
          err.code === 'ENOENT'
            ? new Error(
                'kafka: Maven (mvn) is not on PATH; it is needed once to download the broker jars from Maven Central',
              )
            : err,
        ),
      );
      for (const stream of [mvn.stdout, mvn.stderr]) {
        createInterface({ input: stream }).on('line', (raw) => {
          const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
          if (line.includes('Downloaded from')) progress.downloaded();
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
        });
      }
      mvn.on('close', (code, signal) => res({ code, signal }));
    });
    const files = progress.end();
    if (exit.code !== 0 || !hasKafkaJar(tmpLib)) {
      throw new Error(
        `kafka: mvn failed (exit ${exit.code ?? exit.signal}) resolving the broker jars with ${pom}; last output:\n${tail.join('\n')}`,
      );
    }
    // A concurrent run may have won the race; its lib is as good as ours.
    if (!hasKafkaJar(libDir)) {
      await fsp.rm(libDir, { recursive: true, force: true });
      try {
        await fsp.rename(tmpLib, libDir);
      } catch (err) {
        if (!hasKafkaJar(libDir)) throw err;
      }
    }
    const jars = readdirSync(libDir).filter((f) => f.endsWith('.jar')).length;
    log(`kafka: ${jars} broker jars ready in ${libDir} (${files} files downloaded, ${seconds(started)})`);
    return libDir;
  } finally {
    progress.end();
    await fsp.rm(tmpLib, { recursive: true, force: true });
  }
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? res(addr.port) : rej(new Error('no port assigned'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.setTimeout(1000);
    sock.once('connect', () => {
      sock.destroy();
      res(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      res(false);
    });
    sock.once('error', () => res(false));
  });
}

async function tailOf(file: string, lines = TAIL_LINES): Promise<string> {
  try {
    const fh = await fsp.open(file, 'r');
    try {
      const { size } = await fh.stat();
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, size - len);
      return buf
        .toString('utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .slice(-lines)
        .join('\n');
    } finally {
      await fh.close();
    }
  } catch {
    return '(no log output)';
  }
}

/** The first ERROR/FATAL records (with the exception line after each) since `offset`: the root cause, which a tail full of shutdown noise hides. */
async function firstErrors(file: string, offset: number, max = 3): Promise<string[]> {
  const text = await fsp.readFile(file).then(
    (b) => b.subarray(offset).toString('utf8'),
    () => '',
  );
  const lines = text.split('\n');
  const found: string[] = [];
  for (let i = 0; i < lines.length && found.length < max; i++) {
    if (/^\[[^\]]+\] (ERROR|FATAL) /.test(lines[i])) found.push([lines[i], lines[i + 1] ?? ''].join('\n').trimEnd());
  }
  return found;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => res(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(false)));
  });
}

/** Kafka cluster ids are 16 random bytes, base64url without padding; a leading '-' would read as a CLI flag. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(o: {
  port: number;
  controllerPort: number;
  logDirs: string;
  cluster?: ClusterMembership;
}): string {
  const c = o.cluster;
  const rf = c?.replicationFactor ?? 1;
  const isr = c?.minInsyncReplicas ?? 1;
  return [
    'process.roles=broker,controller',
    `node.id=${c?.nodeId ?? 1}`,
    `controller.quorum.voters=${c?.voters ?? `1@127.0.0.1:${o.controllerPort}`}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${o.logDirs}`,
    'num.partitions=3',
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${isr}`,
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${isr}`,
    // A node that comes back takes its partitions' leadership back soon (cluster only).
    // Cluster only: a dead broker is fenced (and its partitions' leadership moved) after 3 s rather
    // than 9 s; a node that comes back takes its leaderships back soon.
    ...(c
      ? [
          'broker.session.timeout.ms=3000',
          'broker.heartbeat.interval.ms=1000',
          'leader.imbalance.check.interval.seconds=5',
          'unclean.leader.election.enable=false',
        ]
      : []),
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

function log4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.Append=true',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // Per-request and per-partition chatter would bury the lines worth reading.
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.org.apache.kafka.clients=WARN',
    '',
  ].join('\n');
}

function jvmArgs(libDir: string, log4jFile: string, heapMb: number): string[] {
  return [
    `-Xmx${heapMb}m`,
    `-Xms${Math.min(heapMb, 128)}m`,
    // A small heap on a small machine: the serial collector. G1's concurrent threads and barriers
    // cost this broker ~2 s of CPU per 33,000 events received on a 2-core machine; serial ~0.4 s.
    // C1 only: the broker is warm sooner and compiles less (a development and test broker).
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4jFile}`,
    '-cp',
    join(libDir, '*'),
  ];
}

async function formatStorage(
  libDir: string,
  dataDir: string,
  configFile: string,
  log4jFile: string,
  logFile: string,
  clusterId = newClusterId(),
): Promise<void> {
  // With static controller.quorum.voters, 3.9 formats without --standalone/--initial-controllers.
  const args = [
    ...jvmArgs(libDir, log4jFile, 256),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    configFile,
  ];
  const out: string[] = [];
  const { code, signal } = await new Promise<ProcessExit>((res, rej) => {
    const p = spawn('java', args, { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
    p.on('error', (err: NodeJS.ErrnoException) =>
      rej(err.code === 'ENOENT' ? new Error('kafka: java is not on PATH (Java 17+ is needed to run the broker)') : err),
    );
    p.stdout.on('data', (d: Buffer) => out.push(d.toString()));
    p.stderr.on('data', (d: Buffer) => out.push(d.toString()));
    p.on('close', (c, s) => res({ code: c, signal: s }));
  });
  if (code !== 0) {
    throw new Error(
      `kafka: formatting storage failed (exit ${code ?? signal}):\n${out.join('').trim()}\n${await tailOf(logFile)}`,
    );
  }
}

// One shared set of handlers for every broker this process started, so that a parent that exits or
// dies (the broker runs in its own process group, so Ctrl-C never reaches it) does not leak a JVM.
interface Tracked {
  pid: number;
  removeDirSync?: string;
}
const tracked = new Set<Tracked>();
const FATAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killNowSync(t: Tracked): void {
  signalGroup(t.pid, 'SIGKILL');
  if (t.removeDirSync) rmSync(t.removeDirSync, { recursive: true, force: true, maxRetries: 3 });
}

function onParentExit(): void {
  for (const t of tracked) killNowSync(t);
  tracked.clear();
}

function onFatalSignal(signal: NodeJS.Signals): void {
  // If someone else also listens, they own the signal (e.g. the CLI stops the broker cleanly).
  if (process.listenerCount(signal) > 1) return;
  onParentExit();
  untrackAll();
  process.kill(process.pid, signal);
}

function untrackAll(): void {
  process.removeListener('exit', onParentExit);
  for (const s of FATAL_SIGNALS) process.removeListener(s, onFatalSignal);
}

function track(t: Tracked): void {
  if (tracked.size === 0) {
    process.on('exit', onParentExit);
    for (const s of FATAL_SIGNALS) process.on(s, onFatalSignal);
  }
  tracked.add(t);
}

function untrack(t: Tracked): void {
  tracked.delete(t);
  if (tracked.size === 0) untrackAll();
}

/** Starts a broker and resolves once it accepts connections. */
export async function startBroker(opts: BrokerOptions = {}): Promise<RunningBroker> {
  const log = opts.log ?? defaultLog;
  const keepData = opts.keepData ?? false;
  const heapMb = opts.heapMb ?? 512;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;

  const libDir = await ensureKafkaJars({ cacheDir: opts.cacheDir, log });
  const started = Date.now();
  const port = opts.port || (await freePort());
  let controllerPort = opts.controllerPort || (await freePort());
  while (controllerPort === port) controllerPort = await freePort();
  // Fail fast with a plain message instead of a broker that dies on bind after a few seconds.
  for (const p of [port, controllerPort]) {
    if (await portInUse(p)) throw new Error(`kafka: 127.0.0.1:${p} is already in use (another broker still running?)`);
  }

  const ownsDataDir = opts.dataDir === undefined;
  const dataDir =
    opts.dataDir === undefined ? await fsp.mkdtemp(join(tmpdir(), 'kafka-broker-')) : resolve(opts.dataDir);
  const logDirs = join(dataDir, 'kraft-logs');
  const configFile = join(dataDir, 'server.properties');
  const log4jFile = join(dataDir, 'log4j.properties');
  const logFile = join(dataDir, 'broker.log');

  // A caller-supplied dir may hold other things: remove only what we put there.
  const removeData = async (): Promise<void> => {
    if (keepData) return;
    if (ownsDataDir) {
      await fsp.rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
      return;
    }
    for (const p of [logDirs, configFile, log4jFile, logFile])
      await fsp.rm(p, { recursive: true, force: true, maxRetries: 3 });
    await fsp.rmdir(dataDir).catch(() => undefined);
  };

  try {
    await fsp.mkdir(dataDir, { recursive: true });
    if (!keepData) await fsp.rm(logDirs, { recursive: true, force: true });
    await fsp.writeFile(configFile, serverProperties({ port, controllerPort, logDirs, cluster: opts.cluster }));
    await fsp.writeFile(log4jFile, log4jProperties(logFile));
    if (!existsSync(join(logDirs, 'meta.properties'))) {
      log(`kafka: formatting storage in ${logDirs}`);
      await formatStorage(libDir, dataDir, configFile, log4jFile, logFile, opts.cluster?.clusterId);
    }
    log(`kafka: starting broker on 127.0.0.1:${port} (controller ${controllerPort}), log ${logFile}`);
  } catch (err) {
    await removeData();
    throw err;
  }

  // Only this run's part of a kept log counts when looking for the ready line.
  const logOffset = await fsp.stat(logFile).then(
    (s) => s.size,
    () => 0,
  );
  // The JVM's own stdout/stderr (startup errors, crashes) land in the same file as log4j's output.
  const outFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('java', [...jvmArgs(libDir, log4jFile, heapMb), 'kafka.Kafka', configFile], {
      cwd: dataDir,
      detached: true,
      stdio: ['ignore', outFd, outFd],
    });
  } finally {
    closeSync(outFd);
  }
  const exited = new Promise<ProcessExit>((res) => {
    child.once('exit', (code, signal) => res({ code, signal }));
  });
  const spawnError = new Promise<Error>((res) => child.once('error', res));
  // A broker nobody stopped must not keep the parent alive; the exit handler cleans it up instead.
  child.unref();

  const pid = child.pid;
  if (pid === undefined) {
    const err = await spawnError;
    await removeData();
    throw (err as NodeJS.ErrnoException).code === 'ENOENT'
      ? new Error('kafka: java is not on PATH (Java 17+ is needed to run the broker)')
      : err;
  }
  const tracker: Tracked = { pid, removeDirSync: keepData || !ownsDataDir ? undefined : dataDir };
  track(tracker);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // The child is unref'd; without this, a caller with nothing else pending would exit mid-stop.
        child.ref();
        const timeout = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          // exited in the meantime
        }
        if ((await Promise.race([exited, timeout(STOP_GRACE_MS)])) === 'timeout') {
          log(`kafka: broker (pid ${pid}) did not stop within ${STOP_GRACE_MS / 1000} s, killing it`);
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // exited in the meantime
          }
          await exited;
        }
      }
      untrack(tracker);
      await removeData();
    })();
    return stopping;
  };

  try {
    await waitForReady({ logFile, logOffset, port, pid, exited, timeoutMs: readyTimeoutMs });
  } catch (err) {
    // Grab the log before stop() may delete it.
    const errors = await firstErrors(logFile, logOffset);
    const msg = [
      (err as Error).message,
      ...(errors.length > 0 ? ['--- first errors ---', ...errors] : []),
      `--- last ${TAIL_LINES} lines of ${logFile} ---`,
      await tailOf(logFile),
    ].join('\n');
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already exited
    }
    await stop();
    throw new Error(msg, { cause: err });
  }
  log(`kafka: broker on 127.0.0.1:${port} (pid ${pid}) started in ${seconds(started)}`);

  return { brokers: `127.0.0.1:${port}`, port, pid, dataDir, logFile, exited, stop };
}

async function waitForReady(o: {
  logFile: string;
  logOffset: number;
  port: number;
  pid: number;
  exited: Promise<ProcessExit>;
  timeoutMs: number;
}): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let exit: ProcessExit | undefined;
  void o.exited.then((e) => (exit = e));
  let offset = o.logOffset;
  let carry = '';
  let sawMarker = false;
  for (;;) {
    if (exit)
      throw new Error(`kafka: broker (pid ${o.pid}) exited before it was ready (exit ${exit.code ?? exit.signal})`);
    if (!sawMarker) {
      const fh = await fsp.open(o.logFile, 'r');
      try {
        const { size } = await fh.stat();
        if (size > offset) {
          const buf = Buffer.alloc(size - offset);
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          offset += bytesRead;
          const text = carry + buf.subarray(0, bytesRead).toString('utf8');
          sawMarker = text.includes(READY_MARKER);
          carry = text.slice(-READY_MARKER.length);
        }
      } finally {
        await fh.close();
      }
    }
    // The log line alone is not proof: the advertised port must really accept connections.
    if (sawMarker && (await canConnect(o.port))) return;
    if (Date.now() > deadline) {
      throw new Error(
        `kafka: broker (pid ${o.pid}) not ready within ${o.timeoutMs / 1000} s` +
          (sawMarker ? ` (logged "${READY_MARKER}" but port ${o.port} refuses connections)` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ClusterNode {
  nodeId: number;
  port: number;
  controllerPort: number;
  dataDir: string;
  /** The running broker, or null while the node is down. */
  broker: RunningBroker | null;
}

export interface RunningCluster {
  /** "127.0.0.1:p1,127.0.0.1:p2,...", for KAFKA_BROKERS. */
  brokers: string;
  nodes: ClusterNode[];
  /** SIGKILL of one node's JVM (its data stays): a crashed broker. */
  kill(nodeId: number): Promise<void>;
  /** Starts a killed node again on its ports and data. */
  restart(nodeId: number): Promise<void>;
  /** Stops every node and removes the data. */
  stop(): Promise<void>;
}

/**
 * A KRaft cluster of `nodes` combined broker+controller nodes on free loopback ports (the
 * scale-out proof of ARCHITECTURE.md: replication factor = nodes, min.insync.replicas = nodes - 1,
 * producers with acks=all), each a plain `java` process with its own data dir. Nodes can be killed
 * and restarted one by one; the quorum and the partitions survive one lost node of three.
 */
export async function startCluster(
  opts: { nodes?: number; heapMb?: number; log?: (line: string) => void; readyTimeoutMs?: number } = {},
): Promise<RunningCluster> {
  const count = opts.nodes ?? 3;
  const log = opts.log ?? defaultLog;
  const root = await fsp.mkdtemp(join(tmpdir(), 'kafka-cluster-'));
  const used = new Set<number>();
  const port = async () => {
    for (;;) {
      const p = await freePort();
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };
  const nodes: ClusterNode[] = [];
  for (let i = 1; i <= count; i++)
    nodes.push({
      nodeId: i,
      port: await port(),
      controllerPort: await port(),
      dataDir: join(root, `node-${i}`),
      broker: null,
    });
  const voters = nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
  const clusterId = newClusterId();
  const membership = (nodeId: number): ClusterMembership => ({
    nodeId,
    voters,
    clusterId,
    replicationFactor: count,
    minInsyncReplicas: Math.max(1, count - 1),
  });
  const start = async (n: ClusterNode) => {
    n.broker = await startBroker({
      port: n.port,
      controllerPort: n.controllerPort,
      dataDir: n.dataDir,
      keepData: true,
      heapMb: opts.heapMb ?? 256,
      log,
      readyTimeoutMs: opts.readyTimeoutMs,
      cluster: membership(n.nodeId),
    });
  };
  const node = (id: number) => {
    const n = nodes.find((x) => x.nodeId === id);
    if (!n) throw new Error(`kafka: no node ${id} in the cluster`);
    return n;
  };
  const stop = async () => {
    await Promise.all(
      nodes.map(async (n) => {
        await n.broker?.stop();
        n.broker = null;
      }),
    );
    await fsp.rm(root, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    // Together: a node waits for a quorum of controllers before it reports itself started.
    await Promise.all(nodes.map(start));
  } catch (err) {
    await stop();
    throw err;
  }
  log(`kafka: cluster of ${count} nodes ready (${nodes.map((n) => n.port).join(', ')}), data in ${root}`);
  return {
    brokers: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    nodes,
    async kill(id) {
      const n = node(id);
      const b = n.broker;
      if (!b) return;
      signalGroup(b.pid, 'SIGKILL');
      await b.exited;
      await b.stop(); // untracks it; keepData leaves the data for the restart
      n.broker = null;
    },
    async restart(id) {
      const n = node(id);
      if (n.broker) return;
      await start(n);
    },
    stop,
  };
}
