import 'reflect-metadata';
import '../support/register-paths';
import { ensureDatabase, runMigrations, serviceDataSourceOptions } from '@ct/platform';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ALL_SERVICES } from '../../tools/start/services';
import { FAULTS_LOG_DIR } from './support';

/** A fresh database for the fault suite (its name must end in _test); the brokers are each scenario's own. */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(join(__dirname, '..', '..', 'dist', 'apps', 'tracing', 'src', 'main.js'))) {
    throw new Error('the fault suite runs the services from dist/: run it with `npm run test:faults` (it builds first)');
  }
  const name = process.env.TEST_DATABASE_NAME ?? 'ct_faults_test';
  if (!/_test$/.test(name)) throw new Error(`refusing to use database ${name}: test databases must end in _test`);
  const base = new URL(process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  for (const def of ALL_SERVICES) {
    const ds = new DataSource(serviceDataSourceOptions({ url: url.toString(), schema: def.schema, entities: [], migrations: def.migrations }));
    await ds.initialize();
    await runMigrations(ds, def.schema);
    await ds.destroy();
  }
  rmSync(FAULTS_LOG_DIR, { recursive: true, force: true });
  mkdirSync(FAULTS_LOG_DIR, { recursive: true });
  process.env.DATABASE_URL = url.toString();
  process.env.JWT_SECRET = randomBytes(32).toString('hex');
  process.stderr.write(`[faults setup] database ${name} migrated for ${ALL_SERVICES.length} services\n`);
}
