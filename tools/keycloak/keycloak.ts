import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePort } from '../kafka/broker';
import { signalGroup } from '../support/process-group';

/**
 * A real Keycloak for the identity tests: the distribution zip from Maven Central
 * (org.keycloak:keycloak-quarkus-dist), fetched once with mvn and unpacked into .cache/keycloak,
 * run with `start-dev` and an in-memory database on free loopback ports with a small heap. The
 * realm is imported through the admin REST API after start-up, so the cached folder holds no state.
 */
export const KEYCLOAK_VERSION = '26.4.7';

function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tools', 'keycloak'))) return dir;
    if (dirname(dir) === dir) throw new Error(`keycloak: cannot find the repository root above ${__dirname}`);
  }
}

function run(cmd: string, args: string[], cwd?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => (output = (output + b.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', rej);
    child.on('close', (code) => res({ code, output }));
  });
}

/** The unpacked distribution (downloaded on first use); returns its home folder. */
export async function ensureKeycloak(opts: { cacheDir?: string; log?: (l: string) => void } = {}): Promise<string> {
  const log = opts.log ?? (() => undefined);
  const cacheDir = resolve(opts.cacheDir ?? join(repoRoot(), '.cache', 'keycloak'));
  const home = join(cacheDir, `keycloak-${KEYCLOAK_VERSION}`);
  if (existsSync(join(home, 'bin', 'kc.sh'))) return home;
  const started = Date.now();
  await fsp.mkdir(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `download.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    log(
      `keycloak: fetching org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip from Maven Central with mvn (first run only)`,
    );
    const artifact = `org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip`;
    const mvn = await run('mvn', [
      '-q',
      '-B',
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy',
      `-Dartifact=${artifact}`,
      `-DoutputDirectory=${tmp}`,
    ]).catch((err: NodeJS.ErrnoException) => {
      throw new Error(
        err.code === 'ENOENT'
          ? 'keycloak: Maven (mvn) is not on PATH; it is needed once to download Keycloak'
          : err.message,
      );
    });
    const zip = join(tmp, `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip`);
    if (mvn.code !== 0 || !existsSync(zip))
      throw new Error(`keycloak: mvn could not fetch ${artifact}:\n${mvn.output}`);
    const unzip = await run('unzip', ['-q', zip, '-d', tmp]).catch(() => run('jar', ['xf', zip], tmp));
    if (unzip.code !== 0) throw new Error(`keycloak: could not unpack ${zip}:\n${unzip.output}`);
    await fsp.rm(zip);
    try {
      await fsp.rename(join(tmp, `keycloak-${KEYCLOAK_VERSION}`), home);
    } catch (err) {
      // Another process unpacked it first.
      if (!existsSync(join(home, 'bin', 'kc.sh'))) throw err;
    }
    log(`keycloak: ${KEYCLOAK_VERSION} ready in ${home} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return home;
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}

export interface RunningKeycloak {
  url: string;
  pid: number;
  logFile: string;
  startMs: number;
  /** The issuer identifier of a realm (the value for OIDC_ISSUER_URL). */
  issuer(realm: string): string;
  /** A token of the bootstrap admin (master realm) for the admin REST API. */
  adminToken(): Promise<string>;
  /** Creates a realm from its JSON representation (POST /admin/realms). */
  importRealm(rep: object): Promise<void>;
  /** Resource-owner password grant (direct access grants must be enabled on the client). */
  passwordGrant(
    realm: string,
    clientId: string,
    username: string,
    password: string,
  ): Promise<{ access_token: string; id_token?: string }>;
  stop(): Promise<void>;
}

async function form(url: string, body: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
}

/** Starts Keycloak (start-dev, in-memory database) on free loopback ports; resolves once it answers. */
export async function startKeycloak(
  opts: { home?: string; heapMb?: number; timeoutMs?: number; log?: (l: string) => void } = {},
): Promise<RunningKeycloak> {
  const log = opts.log ?? (() => undefined);
  const home = opts.home ?? (await ensureKeycloak({ log }));
  const port = await freePort();
  let mgmt = await freePort();
  while (mgmt === port) mgmt = await freePort();
  const adminPassword = randomBytes(18).toString('base64url');
  const logDir = await fsp.mkdtemp(join(tmpdir(), 'keycloak-'));
  const logFile = join(logDir, 'keycloak.log');
  const out = createWriteStream(logFile);
  const started = Date.now();
  const child: ChildProcess = spawn(
    'bash',
    [
      join(home, 'bin', 'kc.sh'),
      'start-dev',
      '--db=dev-mem',
      '--http-host=127.0.0.1',
      `--http-port=${port}`,
      `--http-management-port=${mgmt}`,
      '--cache=local',
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        JAVA_OPTS_KC_HEAP: `-Xms64m -Xmx${opts.heapMb ?? 512}m`,
        // Start-up speed over peak throughput: one test run, a few hundred requests.
        JAVA_OPTS_APPEND: '-XX:TieredStopAtLevel=1 -XX:MaxMetaspaceSize=256m',
        KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
        KC_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
      },
    },
  );
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((r) => child.once('exit', (code) => ((exitCode = code), r())));
  const url = `http://127.0.0.1:${port}`;
  log(`keycloak: starting on ${url} (pid ${child.pid}, log ${logFile})`);

  // Whatever way this process ends (a failed test run, Ctrl-C in jest), Keycloak ends with it.
  const killOnExit = () => void signalGroup(child.pid!, 'SIGKILL');
  process.on('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  const stop = async () => {
    if (exitCode !== undefined) return;
    if (!signalGroup(child.pid!, 'SIGTERM')) return;
    const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 20000);
    await exited;
    clearTimeout(timer);
    out.end();
  };

  const deadline = started + (opts.timeoutMs ?? 300000);
  try {
    for (;;) {
      if (exitCode !== undefined) throw new Error(`keycloak exited with ${exitCode} during start-up; see ${logFile}`);
      if (Date.now() > deadline)
        throw new Error(`keycloak did not answer within ${(opts.timeoutMs ?? 300000) / 1000} s; see ${logFile}`);
      const ok = await fetch(`${url}/realms/master/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(2000),
      }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const startMs = Date.now() - started;
  log(`keycloak: up in ${(startMs / 1000).toFixed(1)} s`);

  const adminToken = async () => {
    const res = await form(`${url}/realms/master/protocol/openid-connect/token`, {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: 'admin',
      password: adminPassword,
    });
    if (!res.ok) throw new Error(`keycloak admin token: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  return {
    url,
    pid: child.pid!,
    logFile,
    startMs,
    issuer: (realm) => `${url}/realms/${realm}`,
    adminToken,
    async importRealm(rep) {
      const res = await fetch(`${url}/admin/realms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify(rep),
      });
      if (res.status !== 201) throw new Error(`keycloak realm import: HTTP ${res.status} ${await res.text()}`);
    },
    async passwordGrant(realm, clientId, username, password) {
      const res = await form(`${url}/realms/${realm}/protocol/openid-connect/token`, {
        grant_type: 'password',
        client_id: clientId,
        username,
        password,
        scope: 'openid',
      });
      if (!res.ok) throw new Error(`keycloak password grant for ${clientId}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as { access_token: string; id_token?: string };
    },
    stop,
  };
}
