import 'reflect-metadata';
import { BaseEnv, ConfigError, loadConfig } from '@ct/platform';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { prepareDatabase } from '../db/roles';
import { startBroker } from '../kafka/broker';
import { startLocalIdentity } from '../oidc/local-issuer';
import { LOCAL_LAYOUT } from './services';
import { ChildHandle, processHandle, Supervisor } from './supervisor';

class StartEnv extends BaseEnv {
  /** Port of the one base URL (the edge proxy); the five services listen on the next five ports. */
  @IsInt()
  @Min(1)
  @Max(65530)
  PORT = 3000;

  /** Ports of the local broker (client, controller); unused when KAFKA_BROKERS is set. */
  @IsInt()
  @Min(1)
  @Max(65535)
  LOCAL_KAFKA_PORT = 9092;

  @IsInt()
  @Min(1)
  @Max(65535)
  LOCAL_KAFKA_CONTROLLER_PORT = 9093;

  /** Where the local broker keeps its data between runs. */
  @IsString()
  LOCAL_KAFKA_DIR = '.local/kafka';

  @IsString()
  LOCAL_LOG_DIR = '.local/logs';

  /** Set to use an existing Kafka cluster instead of starting the local broker. */
  @IsOptional()
  @IsString()
  override KAFKA_BROKERS = '';
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
/** A configuration error (see loadConfig): restarting cannot fix it. */
const EX_CONFIG = 78;

/** Kills the broker's process group (pid sent over IPC) when its parent's IPC channel closes. */
const BROKER_WATCHDOG = `
let pid = 0;
process.on('SIGINT', () => {});
process.on('message', (m) => { pid = m.pid; });
process.on('disconnect', () => {
  const alive = () => { try { process.kill(-pid, 0); return true; } catch { return false; } };
  if (!pid || !alive()) process.exit(0);
  process.kill(-pid, 'SIGTERM');
  const deadline = Date.now() + 20000;
  setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() > deadline) {
      try { process.kill(-pid, 'SIGKILL'); } catch (e) { if (e.code !== 'ESRCH') process.stderr.write('broker watchdog: ' + e.message + '\\n'); }
      process.exit(0);
    }
  }, 200);
});`;

/** Polls `url` until it answers 2xx; fails early when the process exits, or after timeoutMs. */
async function waitReady(
  name: string,
  url: string,
  handle: ChildHandle,
  logFile: string,
  timeoutMs = 120000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void handle.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} exited during start-up; see ${logFile}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} was not ready after ${timeoutMs / 1000} s; see ${logFile}`);
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Spawns a Node program with its JSON logs appended to logFile (warnings and errors also on the
 * terminal) and an IPC channel: a child whose supervisor is gone (even SIGKILLed) sees the channel
 * close and stops itself, so nothing outlives `npm start`.
 */
function spawnNode(name: string, main: string, env: NodeJS.ProcessEnv, log: WriteStream): ChildHandle {
  const proc = spawn(process.execPath, [main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  proc.stderr!.on('data', (d: Buffer) => log.write(d));
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    log.write(`${line}\n`);
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((LEVELS[entry.level ?? 'info'] ?? 30) >= LEVELS.warn) out(`[${name}] ${entry.level}: ${entry.msg ?? line}`);
    } catch {
      out(`[${name}] ${line}`);
    }
  });
  proc.on('error', (err) => out(`[${name}] could not be spawned: ${err.message}`));
  return processHandle(proc);
}

async function main(): Promise<void> {
  const started = Date.now();
  let env: StartEnv;
  try {
    env = loadConfig(StartEnv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const supervisor = new Supervisor({ log: out, onGiveUp: () => void stop(1) });
  // The broker runs in a process group of its own (Ctrl-C never reaches it) and is stopped by this
  // process; should this process be SIGKILLed, the watchdog sees its IPC channel close and stops it.
  const watchdog = spawn(process.execPath, ['-e', BROKER_WATCHDOG], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  watchdog.unref();
  watchdog.channel?.unref();
  const stop = (code: number) => {
    stopping ??= (async () => {
      out('stopping…');
      await supervisor.stopAll();
      if (watchdog.exitCode === null && watchdog.signalCode === null) {
        const gone = new Promise((r) => watchdog.once('exit', r));
        watchdog.kill();
        await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
      }
      out('stopped');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGHUP', () => void stop(0));
  // A bug in the supervisor itself must not leave the children behind.
  process.on('uncaughtException', (err) => {
    out(`supervisor failed: ${err.stack ?? err.message}`);
    void stop(1);
  });

  try {
    let brokers = env.KAFKA_BROKERS;
    let brokerPid: number | undefined;
    if (!brokers) {
      brokers = `127.0.0.1:${env.LOCAL_KAFKA_PORT}`;
      const handle = await supervisor.add({
        name: 'kafka broker',
        tier: 0,
        start: async () => {
          const b = await startBroker({
            port: env.LOCAL_KAFKA_PORT,
            controllerPort: env.LOCAL_KAFKA_CONTROLLER_PORT,
            dataDir: env.LOCAL_KAFKA_DIR,
            keepData: true,
            log: (l) => out(l),
          });
          if (watchdog.connected) watchdog.send({ pid: b.pid });
          return { pid: b.pid, exited: b.exited, stop: () => b.stop() };
        },
      });
      brokerPid = handle.pid;
    }

    // One role per service, owning its schema only; migrations run as that role.
    const databaseUrls = await prepareDatabase(
      LOCAL_LAYOUT.map((s) => s.def),
      out,
    );

    await startLocalIdentity(out); // sets OIDC_ISSUER_URL for the services unless it names an IdP
    mkdirSync(env.LOCAL_LOG_DIR, { recursive: true });
    const layout = LOCAL_LAYOUT.map((s, i) => ({ ...s, port: env.PORT + 1 + i }));
    const logs = new Map<string, WriteStream>();
    const logOf = (name: string) => {
      let log = logs.get(name);
      if (!log) logs.set(name, (log = createWriteStream(`${env.LOCAL_LOG_DIR}/${name}.log`, { flags: 'a' })));
      return log;
    };
    await Promise.all(
      layout.map((s) => {
        const logFile = `${env.LOCAL_LOG_DIR}/${s.def.name}.log`;
        return supervisor.add({
          name: s.def.name,
          tier: 1,
          fatalCodes: [EX_CONFIG],
          start: async () => {
            const handle = spawnNode(
              s.def.name,
              s.main,
              {
                PORT: String(s.port),
                KAFKA_BROKERS: brokers,
                DATABASE_URL: databaseUrls[s.def.schema],
                DB_MIGRATE_ON_BOOT: 'false',
              },
              logOf(s.def.name),
            );
            void handle.exited.then((e) => {
              if (!stopping)
                out(
                  `${s.def.name} (pid ${handle.pid}) ended: ${e.signal ? `signal ${e.signal}` : `code ${e.code}`}; last log lines:\n${tail(logFile)}`,
                );
            });
            try {
              await waitReady(s.def.name, `http://127.0.0.1:${s.port}/health`, handle, logFile);
            } catch (err) {
              await handle.stop();
              throw err;
            }
            return handle;
          },
        });
      }),
    );

    const upstreams = layout.map((s) => `${s.def.name}=http://127.0.0.1:${s.port}`).join(',');
    const edgeLog = `${env.LOCAL_LOG_DIR}/edge.log`;
    await supervisor.add({
      name: 'edge',
      tier: 2,
      fatalCodes: [EX_CONFIG],
      start: async () => {
        const handle = spawnNode(
          'edge',
          'dist/tools/start/edge-main.js',
          { PORT: String(env.PORT), EDGE_UPSTREAMS: upstreams },
          logOf('edge'),
        );
        try {
          await waitReady('edge', `http://127.0.0.1:${env.PORT}/docs-json`, handle, edgeLog);
        } catch (err) {
          await handle.stop();
          throw err;
        }
        return handle;
      },
    });

    out('');
    out(`contact tracing is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    out(`  base URL     http://localhost:${env.PORT}   (API docs at /docs, health at /health)`);
    out(
      `  kafka        ${brokers}${brokerPid ? ` (local broker, pid ${brokerPid}, data in ${env.LOCAL_KAFKA_DIR})` : ''}`,
    );
    out(`               watch a topic: kcat -b ${brokers} -C -t cases.v1 -f '%k %h %s\\n'`);
    out(`  services     ${layout.map((s) => `${s.def.name}:${s.port}`).join('  ')}`);
    out(`  logs         ${env.LOCAL_LOG_DIR}/<service>.log, edge.log`);
    out(`  token        npm run token -- --role tracer --area 49`);
    out('A child that dies is restarted with backoff; Ctrl-C stops everything.');
  } catch (err) {
    out(`start failed: ${(err as Error).message}`);
    await stop(1);
  }
}

void main();
