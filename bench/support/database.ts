import { ensureDatabase, runMigrations, serviceDataSourceOptions } from '@ct/platform';
import type { ServiceDefinition, ServiceEnv } from '@ct/runtime';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

/**
 * Drops and re-creates a benchmark's database (its name must contain "bench"), then applies the
 * given service's migrations, if any (a service started later applies its own).
 */
export async function freshBenchDatabase(
  url: string,
  service?: Pick<ServiceDefinition<ServiceEnv>, 'schema' | 'migrations'>,
): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  if (!name.includes('bench')) throw new Error(`refusing to drop ${name}: a bench database name must contain "bench"`);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
  await ensureDatabase(url);
  if (!service) return;
  const ds = new DataSource(
    serviceDataSourceOptions({ url, schema: service.schema, entities: [], migrations: service.migrations }),
  );
  await ds.initialize();
  try {
    await runMigrations(ds, service.schema);
  } finally {
    await ds.destroy();
  }
}
