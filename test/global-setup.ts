import 'reflect-metadata';
import './support/register-paths';
import { createKafka, parseBrokers, provisionTopics } from '@ct/messaging';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { startBroker } from '../tools/kafka/broker';
import { ALL_SERVICES } from '../tools/start/services';
import { recreateTestDatabase } from './support/database';
import { DEFAULT_TEST_DATABASE, TEST_LOG_DIR } from './support/env';

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
  const url = new URL(await recreateTestDatabase(name));
  log(`database ${name} migrated for ${ALL_SERVICES.length} services`);

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
  process.env.DATABASE_URL = url.toString();
  process.env.NODE_ENV = 'test';
  process.env.JWT_SECRET = randomBytes(32).toString('hex');
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'info';
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
