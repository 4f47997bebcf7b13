import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalIssuer, startLocalIssuer } from '../../tools/oidc/local-issuer';

export interface ServiceProcess {
  pid: number;
  base: string;
  /** From spawn to the first healthy answer. */
  bootMs: number;
  /** Why the process is gone (exit code and the end of its output), or null while it runs. */
  exited(): Error | null;
  stop(): Promise<void>;
  /** The local OIDC issuer the service trusts (mint a token with issuer.mint). */
  issuer: LocalIssuer;
}

/**
 * Runs one of the apps as its own process (`node dist/apps/<app>/src/main.js`), as it runs in
 * production, and resolves once its /health answers 200; the bench's own producer and readers then
 * do not share the service's event loop. `stop()` sends SIGTERM (SIGKILL after 10 s).
 */
export async function startServiceProcess(
  app: string,
  port: number,
  env: Record<string, string>,
  log: (s: string) => void,
): Promise<ServiceProcess> {
  // BENCH_SERVICE_NODE_ARGS: extra node flags for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  // The service checks bearer tokens against an OIDC issuer: the local one, with a throw-away key.
  const issuer = await startLocalIssuer({ dir: mkdtempSync(join(tmpdir(), 'ct-bench-oidc-')) });
  const spawned = Date.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, join(__dirname, '..', '..', 'apps', app, 'src', 'main.js')],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        OIDC_ISSUER_URL: issuer.url,
        // Production refuses the development self-report key (quarantine): a throw-away one per run.
        CARE_SELF_REPORT_SECRET: randomBytes(32).toString('hex'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stop = async () => {
    await issuer.close();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  let logTail = '';
  const keep = (b: Buffer) => (logTail = (logTail + b.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const exited = () =>
    child.exitCode !== null ? new Error(`the ${app} service exited with ${child.exitCode}:\n${logTail}`) : null;
  try {
    for (const deadline = Date.now() + 120_000; ;) {
      const gone = exited();
      if (gone) throw gone;
      if (
        await fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) throw new Error(`the ${app} service did not become healthy in 120 s:\n${logTail}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const bootMs = Date.now() - spawned;
  log(`${app} service up in ${(bootMs / 1000).toFixed(1)} s (pid ${child.pid}, port ${port})`);
  return { pid: child.pid!, base, bootMs, exited, stop, issuer };
}
