import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * One PostgreSQL role per service: it logs in, owns its service's schema and everything in it, and
 * has no privilege on any other schema (no USAGE, so not even a table name resolves). Not a
 * superuser, cannot create databases, roles or schemas.
 */
export interface ServiceRole {
  /** The service's schema (cases, tracing, …). */
  schema: string;
  role: string;
  password: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** `<prefix><schema>`, e.g. ct_cases; lower-case letters, digits and _ only, at most 63 characters. */
export function serviceRoleName(prefix: string, schema: string): string {
  const name = `${prefix}${schema}`;
  if (!IDENT.test(name))
    throw new Error(`database role name ${JSON.stringify(name)} must match ${IDENT} (check DB_ROLE_PREFIX)`);
  return name;
}

/** `url` with the service role's user name and password in place of the administrator's. */
export function roleDatabaseUrl(url: string, role: Pick<ServiceRole, 'role' | 'password'>): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role.role);
  u.password = encodeURIComponent(role.password);
  return u.toString();
}

/**
 * The roles' passwords: a variable DB_PASSWORD_<SCHEMA> (e.g. DB_PASSWORD_CASES) when set, otherwise
 * the local file, which is created (mode 0600) with a random password per role on first use.
 * There is no default password.
 */
export function serviceRolePasswords(
  roles: { schema: string; role: string }[],
  file: string,
  env: Record<string, string | undefined> = process.env,
): ServiceRole[] {
  const path = resolve(file);
  const stored: Record<string, string> = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>)
    : {};
  let changed = false;
  const result = roles.map((r) => {
    const fromEnv = env[`DB_PASSWORD_${r.schema.toUpperCase()}`];
    if (fromEnv) return { ...r, password: fromEnv };
    if (!stored[r.role]) {
      stored[r.role] = randomBytes(24).toString('base64url');
      changed = true;
    }
    return { ...r, password: stored[r.role] };
  });
  if (changed) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return result;
}

/**
 * Creates or updates the roles on the database of `adminUrl` (an administrator's connection: it
 * must be allowed to create roles): each role logs in with its password, may connect, owns its
 * schema (created when missing) and every table, view, sequence and function in it. Idempotent.
 */
export async function provisionServiceRoles(adminUrl: string, roles: ServiceRole[]): Promise<void> {
  const client = new Client({ connectionString: adminUrl, application_name: 'provision-roles' });
  await client.connect();
  const id = (name: string) => client.escapeIdentifier(name);
  try {
    // Roles are shared by every database of the server: serialize concurrent provisioning.
    await client.query("SELECT pg_advisory_lock(hashtext('ct:provision-service-roles'))");
    const [{ db }] = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows;
    for (const r of roles) {
      if (!IDENT.test(r.role)) throw new Error(`database role name ${JSON.stringify(r.role)} must match ${IDENT}`);
      if (!r.password) throw new Error(`no password for database role ${r.role}`);
      const existing = await client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [
        r.role,
      ]);
      if (existing.rows[0]?.rolsuper)
        throw new Error(`database role ${r.role} is a superuser; refusing to use it as a service role`);
      const verb = existing.rowCount ? 'ALTER' : 'CREATE';
      const role = id(r.role);
      await client.query(
        `${verb} ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(r.password)}`,
      );
      await client.query(`GRANT CONNECT ON DATABASE ${id(db)} TO ${role}`);
      const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [r.schema]);
      if (schema.rowCount) await client.query(`ALTER SCHEMA ${id(r.schema)} OWNER TO ${role}`);
      else await client.query(`CREATE SCHEMA ${id(r.schema)} AUTHORIZATION ${role}`);
      await client.query(`REVOKE ALL ON SCHEMA ${id(r.schema)} FROM PUBLIC`);
      // Objects made before the role existed (migrations run by an administrator) become the role's.
      const relations = await client.query<{ name: string; kind: string }>(
        `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND pg_get_userbyid(c.relowner) <> $2
            AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
          ORDER BY c.relkind <> 'p', c.relname`,
        [r.schema, r.role],
      );
      for (const rel of relations.rows) {
        const what =
          rel.kind === 'S'
            ? 'SEQUENCE'
            : rel.kind === 'v'
              ? 'VIEW'
              : rel.kind === 'm'
                ? 'MATERIALIZED VIEW'
                : rel.kind === 'f'
                  ? 'FOREIGN TABLE'
                  : 'TABLE';
        await client.query(`ALTER ${what} ${id(r.schema)}.${id(rel.name)} OWNER TO ${role}`);
      }
      const functions = await client.query<{ sig: string; kind: string }>(
        `SELECT p.oid::regprocedure::text AS sig, p.prokind AS kind FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) <> $2`,
        [r.schema, r.role],
      );
      for (const f of functions.rows) {
        // regprocedure text is already a quoted, schema-qualified signature.
        await client.query(`ALTER ${f.kind === 'p' ? 'PROCEDURE' : 'FUNCTION'} ${f.sig} OWNER TO ${role}`);
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('ct:provision-service-roles'))").catch(() => undefined);
    await client.end();
  }
}

/**
 * Removes the roles (tests): what they own in this database goes to the administrator, then they
 * are dropped. Roles that do not exist are skipped.
 */
export async function dropServiceRoles(adminUrl: string, roleNames: string[]): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of roleNames) {
      if (!IDENT.test(name)) throw new Error(`database role name ${JSON.stringify(name)} must match ${IDENT}`);
      const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
      if (!rowCount) continue;
      const role = client.escapeIdentifier(name);
      await client.query(`REASSIGN OWNED BY ${role} TO CURRENT_USER`);
      await client.query(`DROP OWNED BY ${role}`);
      await client.query(`DROP ROLE ${role}`);
    }
  } finally {
    await client.end();
  }
}
