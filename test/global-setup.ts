import 'reflect-metadata';
import './support/register-paths';
import { createKafka, parseBrokers, provisionTopics } from '@ct/messaging';
import { dropServiceRoles, serviceRoleName } from '@ct/platform';
import { mkdirSync, rmSync } from 'node:fs';
import { prepareDatabase } from '../tools/db/roles';
import { dropTestDatabase } from './support/database';
import { startBroker } from '../tools/kafka/broker';
import { ALL_SERVICES } from '../tools/start/services';
import { DEFAULT_TEST_DATABASE, TEST_LOG_DIR, TEST_OIDC_DIR } from './support/env';
import { startTestIssuer } from './support/identity';

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
  const { base, url } = await dropTestDatabase(name);
  // One role per service, made and migrated as `npm start` does: each owns its schema and nothing
  // else. Roles belong to the whole server, so their names start with the test database's.
  const prefix = `${name}_`;
  const roleNames = ALL_SERVICES.map((def) => serviceRoleName(prefix, def.schema));
  await dropServiceRoles(base.toString(), roleNames); // left over by a run that was killed
  const passwordFile = `test-artifacts/db-roles/${name}.json`;
  rmSync(passwordFile, { force: true });
  const serviceUrls = await prepareDatabase(ALL_SERVICES, () => undefined, {
    vars: { NODE_ENV: 'test', DATABASE_URL: url, DB_ROLE_PREFIX: prefix, DB_ROLE_PASSWORDS_FILE: passwordFile },
  });
  (globalThis as { __DB_ROLES__?: unknown }).__DB_ROLES__ = { url, roles: roleNames };
  log(`database ${name} migrated for ${ALL_SERVICES.length} services, each as its own role (${roleNames.join(', ')})`);

  if (!process.env.KAFKA_BROKERS) {
    const broker = await startBroker({ log });
    (globalThis as { __KAFKA_BROKER__?: unknown }).__KAFKA_BROKER__ = broker;
    process.env.KAFKA_BROKERS = broker.brokers;
    log(`kafka broker ready at ${broker.brokers}`);
  } else {
    log(`using kafka at ${process.env.KAFKA_BROKERS}`);
  }

  const created = await provisionTopics(
    createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS), clientId: 'test-setup' }),
    {
      checkins: 6,
      default: 3,
    },
  );
  log(`topics provisioned (${created.length} created)`);

  rmSync(TEST_LOG_DIR, { recursive: true, force: true });
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  // DATABASE_URL is the administrator's (tests' own assertions across schemas); services get theirs.
  process.env.DATABASE_URL = url;
  process.env.TEST_SERVICE_DATABASE_URLS = JSON.stringify(serviceUrls);
  process.env.NODE_ENV = 'test';
  // The services trust the local development issuer, with a key made for this run; tests mint
  // tokens with that key (test/support/services.ts tokenFor).
  const issuer = await startTestIssuer(TEST_OIDC_DIR);
  (globalThis as { __OIDC_ISSUER__?: unknown }).__OIDC_ISSUER__ = issuer;
  log(`local OIDC issuer at ${issuer.url}`);
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'info';
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
