import 'reflect-metadata';
import '../support/register-paths';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_SERVICES } from '../../tools/start/services';
import { recreateTestDatabase } from '../support/database';
import { startTestIssuer } from '../support/identity';
import { FAULTS_LOG_DIR } from './support';

/** A fresh database for the fault suite (its name must end in _test); the brokers are each scenario's own. */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(join(__dirname, '..', '..', 'dist', 'apps', 'tracing', 'src', 'main.js'))) {
    throw new Error(
      'the fault suite runs the services from dist/: run it with `npm run test:faults` (it builds first)',
    );
  }
  const name = process.env.TEST_DATABASE_NAME ?? 'ct_faults_test';
  const url = await recreateTestDatabase(name);
  rmSync(FAULTS_LOG_DIR, { recursive: true, force: true });
  mkdirSync(FAULTS_LOG_DIR, { recursive: true });
  process.env.DATABASE_URL = url;
  // The services (child processes) trust a local OIDC issuer with a key made for this run.
  const issuer = await startTestIssuer(`test-artifacts/oidc/${name}`);
  (globalThis as { __OIDC_ISSUER__?: unknown }).__OIDC_ISSUER__ = issuer;
  process.stderr.write(`[faults setup] database ${name} migrated for ${ALL_SERVICES.length} services\n`);
}
