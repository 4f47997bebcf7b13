import 'reflect-metadata';
import { BaseEnv, ConfigError, loadConfig } from '@ct/platform';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { prepareDatabase } from '../db/roles';
import { RunningBroker, startBroker } from '../kafka/broker';
import { startLocalIdentity } from '../oidc/local-issuer';
import { Edge } from './edge';
import { LOCAL_LAYOUT } from './services';

class StartEnv extends BaseEnv {
  /** Port of the one base URL (the edge proxy). */
  @IsInt() @Min(1) @Max(65535)
  PORT = 3000;

  /** Where the local broker keeps its data between runs. */
  @IsString()
  LOCAL_KAFKA_DIR = '.local/kafka';

  @IsString()
  LOCAL_LOG_DIR = '.local/logs';

  /** Set to use an existing Kafka cluster instead of starting the local broker. */
  @IsOptional() @IsString()
  override KAFKA_BROKERS = '';
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

interface Child {
  name: string;
  proc: ChildProcess;
  log: WriteStream;
  logFile: string;
  exited: Promise<number | null>;
}

async function waitHealthy(name: string, url: string, child: Child, timeoutMs = 120000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} exited during start-up; see ${child.logFile}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} was not healthy after ${timeoutMs / 1000} s; see ${child.logFile}`);
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
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

  let broker: RunningBroker | undefined;
  const children: Child[] = [];
  let edge: Edge | undefined;
  let stopping: Promise<void> | undefined;

  const stop = (code: number) => {
    stopping ??= (async () => {
      out('stopping…');
      await edge?.close();
      for (const c of children) c.proc.kill('SIGTERM');
      const timeout = new Promise((r) => setTimeout(r, 10000));
      await Promise.race([Promise.all(children.map((c) => c.exited)), timeout]);
      for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      await broker?.stop();
      out('stopped');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    let brokers = env.KAFKA_BROKERS;
    if (!brokers) {
      broker = await startBroker({
        port: 9092,
        controllerPort: 9093,
        dataDir: env.LOCAL_KAFKA_DIR,
        keepData: true,
        log: (l) => out(l),
      });
      brokers = broker.brokers;
    }

    // One role per service, owning its schema only; migrations run as that role.
    const databaseUrls = await prepareDatabase(LOCAL_LAYOUT.map((s) => s.def), out);

    await startLocalIdentity(out); // sets OIDC_ISSUER_URL for the services unless it names an IdP
    mkdirSync(env.LOCAL_LOG_DIR, { recursive: true });
    for (const s of LOCAL_LAYOUT) {
      const logFile = `${env.LOCAL_LOG_DIR}/${s.def.name}.log`;
      const log = createWriteStream(logFile, { flags: 'a' });
      const proc = spawn(process.execPath, [s.main], {
        env: {
          ...process.env,
          PORT: String(s.port),
          KAFKA_BROKERS: brokers,
          DATABASE_URL: databaseUrls[s.def.schema],
          DB_MIGRATE_ON_BOOT: 'false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      const child: Child = { name: s.def.name, proc, log, logFile, exited };
      children.push(child);
      proc.stderr!.pipe(log);
      // Full JSON logs go to the file; the terminal shows warnings and errors, one line each.
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        log.write(`${line}\n`);
        try {
          const entry = JSON.parse(line) as { level?: string; msg?: string };
          if ((LEVELS[entry.level ?? 'info'] ?? 30) >= LEVELS.warn) out(`[${s.def.name}] ${entry.level}: ${entry.msg ?? line}`);
        } catch {
          out(`[${s.def.name}] ${line}`);
        }
      });
      void exited.then((code) => {
        if (!stopping) {
          out(`${s.def.name} exited with code ${code}; last log lines:\n${tail(logFile)}`);
          void stop(1);
        }
      });
    }
    await Promise.all(LOCAL_LAYOUT.map((s, i) => waitHealthy(s.def.name, `http://127.0.0.1:${s.port}`, children[i])));

    const upstreams = LOCAL_LAYOUT.map((s) => ({ name: s.def.name, url: `http://127.0.0.1:${s.port}` }));
    edge = new Edge(upstreams, upstreams.find((u) => u.name === 'ops')!);
    const routes = await edge.load();
    await edge.listen(env.PORT);

    out('');
    out(`contact tracing is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    out(`  base URL     http://localhost:${env.PORT}   (${routes} routes; API docs at /docs, health at /health)`);
    out(`  kafka        ${brokers}${broker ? ` (local broker, pid ${broker.pid}, data in ${env.LOCAL_KAFKA_DIR})` : ''}`);
    out(`               watch a topic: kcat -b ${brokers} -C -t cases.v1 -f '%k %h %s\\n'`);
    out(`  services     ${LOCAL_LAYOUT.map((s) => `${s.def.name}:${s.port}`).join('  ')}`);
    out(`  logs         ${env.LOCAL_LOG_DIR}/<service>.log`);
    out(`  token        npm run token -- --role tracer --area 49`);
    out('Ctrl-C stops everything.');
  } catch (err) {
    out(`start failed: ${(err as Error).message}`);
    await stop(1);
  }
}

void main();
