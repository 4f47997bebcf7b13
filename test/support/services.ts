import { consumerGroupLag, createKafka, parseBrokers } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { JsonLogger, loadConfig, Role } from '@ct/platform';
import { createServiceApp, CreatedService, ServiceDefinition, ServiceEnv } from '@ct/runtime';
import { INestApplication } from '@nestjs/common';
import pino from 'pino';
import { Client } from 'pg';
import { loadOrCreateSigningKey, LocalSigningKey, mintToken, MintOptions } from '../../tools/oidc/local-issuer';
import { TEST_LOG_DIR } from './env';
import { recordIdentities } from './identities';

export interface TestService extends CreatedService {
  url: string;
  logFile: string;
  close(): Promise<void>;
}

/**
 * The connection URL of a service's own database role (made by test/global-setup.ts); a schema that
 * is no service's (a library's test fixture) gets the administrator's.
 */
export function serviceDatabaseUrl(schema: string): string {
  if (!process.env.TEST_SERVICE_DATABASE_URLS)
    throw new Error('TEST_SERVICE_DATABASE_URLS is set by test/global-setup.ts; run the tests through jest');
  const urls = JSON.parse(process.env.TEST_SERVICE_DATABASE_URLS) as Record<string, string>;
  return urls[schema] ?? process.env.DATABASE_URL!;
}

/**
 * Runs a service in-process the way main.ts does (real database, real broker, real consumers and
 * outbox relay), connected as the service's own database role, listening on a free port, with its
 * JSON logs in test-artifacts/logs.
 */
export async function startService<E extends ServiceEnv>(
  def: ServiceDefinition<E>,
  overrides: Record<string, string> = {},
): Promise<TestService> {
  const env = loadConfig(def.envSchema, {
    ...process.env,
    PORT: '1',
    DATABASE_URL: serviceDatabaseUrl(def.schema),
    ...overrides,
  });
  const logFile = `${TEST_LOG_DIR}/${def.name}.log`;
  const logger = new JsonLogger(
    def.name,
    env.LOG_LEVEL,
    pino.destination({ dest: logFile, sync: true, append: true, mkdir: true }),
  );
  const created = await createServiceApp(def, env, { logger, migrate: false });
  await created.app.listen(0, '127.0.0.1');
  const url = (await created.app.getUrl()).replace('[::1]', '127.0.0.1');
  return { ...created, url, logFile, close: () => created.app.close() };
}

let signingKey: { dir: string; key: LocalSigningKey } | undefined;

/** A token from the run's local OIDC issuer (the key the global setup made), as the services expect it. */
export function mint(o: MintOptions): string {
  const dir = process.env.TEST_OIDC_DIR;
  const issuer = process.env.OIDC_ISSUER_URL;
  if (!dir || !issuer)
    throw new Error('TEST_OIDC_DIR and OIDC_ISSUER_URL are set by test/global-setup.ts; run the tests through jest');
  if (signingKey?.dir !== dir) signingKey = { dir, key: loadOrCreateSigningKey(dir) };
  return mintToken(signingKey.key, issuer, o);
}

/** A token of the run's issuer; areas default to ['*'] (every area), so a test limits them only on purpose. */
export function tokenFor(role: Role, subject = `test-${role}`, areas: string[] = ['*']): string {
  return mint({ subject, roles: [role], areas });
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
}

/** A small JSON client for the services' HTTP APIs. */
export async function http<T = any>(
  base: string | INestApplication,
  method: string,
  path: string,
  opts: { role?: Role; token?: string; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<JsonResponse<T>> {
  const url = typeof base === 'string' ? base : await base.getUrl();
  const headers: Record<string, string> = {};
  const token = opts.token ?? (opts.role ? tokenFor(opts.role) : undefined);
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (opts.raw !== undefined) {
    payload = opts.raw;
    headers['content-type'] = opts.contentType ?? 'application/json';
  } else if (opts.body !== undefined) {
    // Global teardown greps every log of the run for the identity data tests send.
    recordIdentities(TEST_LOG_DIR, opts.body);
    payload = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${url}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: body as T };
}

export function testKafka(clientId = 'test') {
  return createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS!), clientId });
}

export async function tap(topics: string[]): Promise<TopicTap> {
  return TopicTap.open(testKafka('test-tap'), topics);
}

/** Polls until `probe` returns a value other than undefined/false, or fails with `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}

/**
 * Waits until a service just started has handled what earlier files left on its topics: its consumer
 * group's committed offsets at the ends of every topic it reads (committed after each batch's
 * transaction). A group that joins late reads that backlog first, concurrently with whatever the
 * test does (a quarantine service isolates other areas' cases, taking beds anywhere; ops counts
 * earlier dead letters); the files run one at a time, so once it is handled, what the group reads
 * next is what the test publishes. `topics`: another group's (e.g. ops' topic monitor reads every topic).
 */
export async function handledBacklog(
  svc: TestService,
  groupId: string,
  timeoutMs = 90_000,
  topics: string[] = svc.server.topics(),
): Promise<void> {
  const admin = testKafka('test-backlog').admin();
  await admin.connect();
  let behind = '';
  try {
    await eventually(
      `${groupId} to handle the backlog on its topics`,
      async () => {
        const lag = (await consumerGroupLag(admin, groupId, topics)).filter((t) => t.lag > 0);
        behind = lag.map((t) => `${t.topic} ${t.lag}`).join(', ');
        return lag.length === 0;
      },
      timeoutMs,
    ).catch((err: Error) => {
      throw new Error(`${err.message} (still to read: ${behind})`);
    });
  } finally {
    await admin.disconnect();
  }
}

/** A plain pg client on the test database, for assertions on what services stored. */
export async function db(): Promise<Client> {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  return c;
}
