import 'reflect-metadata';
import './support/register-paths';
import { createKafka, parseBrokers, provisionTopics } from '@ct/messaging';
import { dropServiceRoles, ensureDatabase, provisionServiceRoles, roleDatabaseUrl, runMigrations, serviceDataSourceOptions, serviceRoleName } from '@ct/platform';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startBroker } from '../tools/kafka/broker';
import { startLocalIssuer } from '../tools/oidc/local-issuer';
import { ALL_SERVICES } from '../tools/start/services';
import { DEFAULT_TEST_DATABASE, TEST_LOG_DIR, TEST_OIDC_DIR } from './support/env';

function log(line: string): void {
  process.stderr.write(`[test setup] ${line}\n`);
}

/**
 * Starts what the integration tests run against: a real Kafka broker on free loopback ports
 * (unless KAFKA_BROKERS names one) and a fresh PostgreSQL database whose name must end in _test,
 * migrated with every service's migrations. Fails loudly when either cannot start.
 */
/** The projects named after --selectProjects on jest's command line (jest keeps them out of its config), or null. */
function selectedProjects(argv = process.argv): string[] | null {
  const i = argv.findIndex((a) => a === '--selectProjects' || a.startsWith('--selectProjects='));
  if (i < 0) return null;
  if (argv[i].includes('=')) return argv[i].split('=')[1].split(',');
  const names: string[] = [];
  for (let j = i + 1; j < argv.length && !argv[j].startsWith('-'); j++) names.push(argv[j]);
  return names;
}

export default async function globalSetup(): Promise<void> {
  // `npm run test:unit` (--selectProjects unit) needs nothing running.
  const selected = selectedProjects();
  if (selected && !selected.includes('integration')) {
    log('unit tests only: no broker, no database');
    return;
  }
  const started = Date.now();
  const name = process.env.TEST_DATABASE_NAME ?? DEFAULT_TEST_DATABASE;
  if (!/_test$/.test(name)) throw new Error(`refusing to use database ${name}: test databases must end in _test`);
  const base = new URL(process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const admin = new Client({ connectionString: base.toString() });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${base.host} (${(err as Error).message}); start it first (see README)`);
  }
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  // One role per service, as in production: it owns its schema and nothing else. Roles belong to the
  // whole server, so their names start with the test database's (no clash with another run's).
  const roles = ALL_SERVICES.map((def) => ({ schema: def.schema, role: serviceRoleName(`${name}_`, def.schema), password: randomBytes(18).toString('base64url') }));
  await dropServiceRoles(base.toString(), roles.map((r) => r.role)); // left over by a run that was killed
  await provisionServiceRoles(url.toString(), roles);
  const serviceUrls: Record<string, string> = {};
  for (const def of ALL_SERVICES) {
    const role = roles.find((r) => r.schema === def.schema)!;
    serviceUrls[def.schema] = roleDatabaseUrl(url.toString(), role);
    const ds = new DataSource(serviceDataSourceOptions({ url: serviceUrls[def.schema], schema: def.schema, entities: [], migrations: def.migrations }));
    await ds.initialize();
    await runMigrations(ds, def.schema);
    await ds.destroy();
  }
  (globalThis as { __DB_ROLES__?: unknown }).__DB_ROLES__ = { url: url.toString(), roles: roles.map((r) => r.role) };
  log(`database ${name} migrated for ${ALL_SERVICES.length} services, each as its own role (${roles.map((r) => r.role).join(', ')})`);

  if (!process.env.KAFKA_BROKERS) {
    const broker = await startBroker({ log });
    (globalThis as { __KAFKA_BROKER__?: unknown }).__KAFKA_BROKER__ = broker;
    process.env.KAFKA_BROKERS = broker.brokers;
    log(`kafka broker ready at ${broker.brokers}`);
  } else {
    log(`using kafka at ${process.env.KAFKA_BROKERS}`);
  }

  const created = await provisionTopics(createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS), clientId: 'test-setup' }), {
    checkins: 6,
    default: 3,
  });
  log(`topics provisioned (${created.length} created)`);

  rmSync(TEST_LOG_DIR, { recursive: true, force: true });
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  // DATABASE_URL is the administrator's (tests' own assertions across schemas); services get theirs.
  process.env.DATABASE_URL = url.toString();
  process.env.TEST_SERVICE_DATABASE_URLS = JSON.stringify(serviceUrls);
  process.env.NODE_ENV = 'test';
  // The services trust the local development issuer, with a key made for this run; tests mint
  // tokens with that key (test/support/services.ts tokenFor).
  rmSync(TEST_OIDC_DIR, { recursive: true, force: true });
  const issuer = await startLocalIssuer({ dir: TEST_OIDC_DIR });
  (globalThis as { __OIDC_ISSUER__?: unknown }).__OIDC_ISSUER__ = issuer;
  process.env.OIDC_ISSUER_URL = issuer.url;
  process.env.TEST_OIDC_DIR = TEST_OIDC_DIR;
  log(`local OIDC issuer at ${issuer.url}`);
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'info';
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
