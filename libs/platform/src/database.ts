import { Client } from 'pg';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { SafeTypeOrmLogger } from './typeorm-logger';

/** A class (entity, migration): what TypeORM and Nest accept where they say `Function`. */
export type Constructor = new (...args: any[]) => unknown;

export interface ServiceDataSourceOptions {
  url: string;
  /** The PostgreSQL schema the service owns; no service reads another's. */
  schema: string;
  entities: MixedList<Constructor | string | EntitySchema>;
  migrations: MixedList<Constructor | string>;
  poolSize?: number;
  applicationName?: string;
}

export function serviceDataSourceOptions(o: ServiceDataSourceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Failing queries are logged without their parameter values (see typeorm-logger.ts).
    logging: ['error', 'warn'],
    logger: new SafeTypeOrmLogger(),
    extra: { max: o.poolSize ?? 10, application_name: o.applicationName ?? o.schema },
  };
}

/** Creates the database named in `url` when it does not exist yet (local start, test setup). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name ${JSON.stringify(name)} must match [A-Za-z0-9_]+`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } catch (err) {
    // Two processes may race to create it; the loser sees duplicate_database.
    if ((err as { code?: string }).code === '42P04') return false;
    throw err;
  } finally {
    await client.end();
  }
}

/**
 * Runs the service's pending migrations under a PostgreSQL advisory lock, so several instances
 * starting together apply each migration once. Returns the names of the migrations applied.
 */
export async function runMigrations(ds: DataSource, schema: string): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrations:${schema}`]);
    // A service's own role may not create schemas (no CREATE on the database): its schema is made for
    // it by provisionServiceRoles, so only a missing one is created here (by an administrator's URL).
    const [{ n }] = await runner.query('SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1', [schema]);
    if (n === 0) await runner.query(`CREATE SCHEMA "${schema}"`);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrations:${schema}`]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * The rows of a TypeORM `query()` whatever the statement: it answers an UPDATE or DELETE …
 * RETURNING with [rows, count] and a SELECT or INSERT with the rows.
 */
export function returned<T>(result: unknown): T[] {
  return (
    Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number'
      ? result[0]
      : result
  ) as T[];
}
