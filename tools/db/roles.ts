import 'reflect-metadata';
import {
  ConfigError,
  ensureDatabase,
  loadConfig,
  provisionServiceRoles,
  roleDatabaseUrl,
  runMigrations,
  serviceDataSourceOptions,
  serviceRoleName,
  serviceRolePasswords,
  ServiceRole,
} from '@ct/platform';
import type { ServiceDefinition, ServiceEnv } from '@ct/runtime';
import { IsIn, IsString, Matches } from 'class-validator';
import { DataSource } from 'typeorm';

/** What `npm start` and `npm run db:roles` read to make the per-service database roles. */
export class DbRolesEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  /** An administrator's connection (allowed to create roles); services never get this one. */
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/contact_tracing';

  /** Role names are <prefix><schema>: ct_cases, ct_tracing, … */
  @Matches(/^[a-z_][a-z0-9_]{0,40}$/, { message: 'DB_ROLE_PREFIX must be lower-case letters, digits and _ (e.g. ct_)' })
  DB_ROLE_PREFIX = 'ct_';

  /** Generated passwords (when no DB_PASSWORD_<SCHEMA> is set; never in production). */
  @IsString()
  DB_ROLE_PASSWORDS_FILE = '.local/db-roles.json';
}

/** The roles of `services` with their passwords (DB_PASSWORD_<SCHEMA>, else the local file; production: variables only). */
export function serviceRolesOf(
  services: { schema: string }[],
  env: DbRolesEnv,
  vars: Record<string, string | undefined> = process.env,
): ServiceRole[] {
  const names = services.map((s) => ({ schema: s.schema, role: serviceRoleName(env.DB_ROLE_PREFIX, s.schema) }));
  if (env.NODE_ENV === 'production') {
    const missing = names
      .filter((r) => !vars[`DB_PASSWORD_${r.schema.toUpperCase()}`])
      .map((r) => `DB_PASSWORD_${r.schema.toUpperCase()}`);
    if (missing.length > 0)
      throw new ConfigError(
        missing.map((m) => `${m}: required when NODE_ENV=production (no password is generated or defaulted)`),
      );
  }
  return serviceRolePasswords(names, env.DB_ROLE_PASSWORDS_FILE, vars);
}

/**
 * Creates the database when missing, one role per service owning its schema, and runs each
 * service's migrations as that role. Returns each service's own connection URL by schema.
 */
export async function prepareDatabase(
  services: ServiceDefinition<ServiceEnv>[],
  out: (line: string) => void,
  opts: { migrate?: boolean; vars?: Record<string, string | undefined> } = {},
): Promise<Record<string, string>> {
  const vars = opts.vars ?? process.env;
  const env = loadConfig(DbRolesEnv, vars);
  const roles = serviceRolesOf(services, env, vars);
  if (await ensureDatabase(env.DATABASE_URL)) out(`database created: ${new URL(env.DATABASE_URL).pathname.slice(1)}`);
  await provisionServiceRoles(env.DATABASE_URL, roles);
  out(`database roles: ${roles.map((r) => r.role).join(', ')} (each owns its schema only)`);
  const urls: Record<string, string> = {};
  for (const def of services) {
    urls[def.schema] = roleDatabaseUrl(
      env.DATABASE_URL,
      roles.find((r) => r.schema === def.schema)!,
    );
    if (opts.migrate === false) continue;
    const ds = new DataSource(
      serviceDataSourceOptions({ url: urls[def.schema], schema: def.schema, entities: [], migrations: def.migrations }),
    );
    await ds.initialize();
    try {
      const applied = await runMigrations(ds, def.schema);
      if (applied.length > 0) out(`${def.name}: applied ${applied.length} migration(s)`);
    } finally {
      await ds.destroy();
    }
  }
  return urls;
}
