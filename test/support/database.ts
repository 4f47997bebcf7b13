import { ensureDatabase, runMigrations, serviceDataSourceOptions } from '@ct/platform';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ALL_SERVICES } from '../../tools/start/services';

const DEFAULT_SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Drops a test database (its name must end in _test) on `server`, a maintenance URL; returns the
 * server's URL and the test database's, for the caller to create it its own way.
 */
export async function dropTestDatabase(name: string, server = DEFAULT_SERVER): Promise<{ base: URL; url: string }> {
  if (!/_test$/.test(name)) throw new Error(`refusing to use database ${name}: test databases must end in _test`);
  const base = new URL(server);
  const admin = new Client({ connectionString: base.toString() });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${base.host} (${(err as Error).message}); start it first (see README)`,
      { cause: err },
    );
  }
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return { base, url: url.toString() };
}

/**
 * Drops and re-creates a test database (its name must end in _test) on TEST_DATABASE_SERVER and
 * applies every service's migrations; returns its URL. `server`: another server's maintenance URL
 * (the fault suite's private PostgreSQL). Used by the jest global setups.
 */
export async function recreateTestDatabase(name: string, server = DEFAULT_SERVER): Promise<string> {
  const { url } = await dropTestDatabase(name, server);
  await ensureDatabase(url);
  for (const def of ALL_SERVICES) {
    const ds = new DataSource(
      serviceDataSourceOptions({ url, schema: def.schema, entities: [], migrations: def.migrations }),
    );
    await ds.initialize();
    await runMigrations(ds, def.schema);
    await ds.destroy();
  }
  return url;
}
