/**
 * One broker process (KRaft combined mode): configuration written, storage formatted once, the JVM
 * started in its own process group, ready when it logs so and accepts connections, stopped by
 * SIGTERM (SIGKILL after a grace period), its data removed unless kept.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, promises as fsp, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BrokerSecurity,
  checkSecurity,
  ClusterMembership,
  formatStorage,
  jvmArgs,
  log4jProperties,
  serverProperties,
} from './config';
import { ensureKafkaJars } from './jars';
import {
  defaultLog,
  firstErrors,
  freePort,
  portInUse,
  ProcessExit,
  seconds,
  STOP_GRACE_MS,
  TAIL_LINES,
  tailOf,
  track,
  Tracked,
  untrack,
  waitForReady,
} from './lifecycle';

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
  /** A SASL_SSL client listener with SCRAM users and ACLs (config.ts); PLAINTEXT when unset. */
  security?: BrokerSecurity;
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

/** Starts a broker and resolves once it accepts connections. */
export async function startBroker(opts: BrokerOptions = {}): Promise<RunningBroker> {
  const log = opts.log ?? defaultLog;
  const keepData = opts.keepData ?? false;
  const heapMb = opts.heapMb ?? 512;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  if (opts.security) checkSecurity(opts.security);

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
    // Mode 0600: with a SASL_SSL listener it holds the super user's and the keystore's passwords.
    await fsp.writeFile(
      configFile,
      serverProperties({ port, controllerPort, logDirs, cluster: opts.cluster, security: opts.security }),
      { mode: 0o600 },
    );
    await fsp.writeFile(log4jFile, log4jProperties(logFile));
    if (!existsSync(join(logDirs, 'meta.properties'))) {
      log(`kafka: formatting storage in ${logDirs}`);
      await formatStorage(libDir, dataDir, configFile, log4jFile, logFile, opts.cluster?.clusterId, opts.security);
    }
    const listener = opts.security ? 'SASL_SSL' : 'PLAINTEXT';
    log(`kafka: starting broker on 127.0.0.1:${port} (${listener}; controller ${controllerPort}), log ${logFile}`);
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
