import 'reflect-metadata';
import '../support/register-paths';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_SERVICES } from '../../tools/start/services';
import { recreateTestDatabase } from '../support/database';
import { FAULTS_LOG_DIR } from './support';

/** A fresh database for the fault suite (its name must end in _test); the brokers are each scenario's own. */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(join(__dirname, '..', '..', 'dist', 'apps', 'tracing', 'src', 'main.js'))) {
    throw new Error('the fault suite runs the services from dist/: run it with `npm run test:faults` (it builds first)');
  }
  const name = process.env.TEST_DATABASE_NAME ?? 'ct_faults_test';
  const url = await recreateTestDatabase(name);
  rmSync(FAULTS_LOG_DIR, { recursive: true, force: true });
  mkdirSync(FAULTS_LOG_DIR, { recursive: true });
  process.env.DATABASE_URL = url;
  process.env.JWT_SECRET = randomBytes(32).toString('hex');
  process.stderr.write(`[faults setup] database ${name} migrated for ${ALL_SERVICES.length} services\n`);
}
