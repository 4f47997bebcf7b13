import { ensureDatabase, runMigrations, serviceDataSourceOptions } from '@ct/platform';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ALL_SERVICES } from '../../tools/start/services';

/**
 * Drops and re-creates a test database (its name must end in _test) on TEST_DATABASE_SERVER and
 * applies every service's migrations; returns its URL. `server`: another server's maintenance URL
 * (the fault suite's private PostgreSQL). Used by the jest global setups.
 */
export async function recreateTestDatabase(name: string, server = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<string> {
  if (!/_test$/.test(name)) throw new Error(`refusing to use database ${name}: test databases must end in _test`);
  const base = new URL(server);
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
  for (const def of ALL_SERVICES) {
    const ds = new DataSource(serviceDataSourceOptions({ url: url.toString(), schema: def.schema, entities: [], migrations: def.migrations }));
    await ds.initialize();
    await runMigrations(ds, def.schema);
    await ds.destroy();
  }
  return url.toString();
}
