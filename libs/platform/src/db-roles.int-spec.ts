import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { db, serviceDatabaseUrl } from '../../../test/support/services';
import {
  dropServiceRoles,
  provisionServiceRoles,
  roleDatabaseUrl,
  serviceRoleName,
  serviceRolePasswords,
} from './db-roles';

/** The per-service roles the global setup made (as migrations and npm start do), on the real PostgreSQL. */
describe('one PostgreSQL role per service', () => {
  const clients: Client[] = [];
  const as = async (schema: string) => {
    const c = new Client({ connectionString: serviceDatabaseUrl(schema) });
    await c.connect();
    clients.push(c);
    return c;
  };
  const denied = (c: Client, sql: string) =>
    c.query(sql).then(
      () => 'allowed',
      (err: { code?: string; message: string }) => `${err.code}: ${err.message}`,
    );
  afterAll(() => Promise.all(clients.map((c) => c.end())));

  it('the tracing role cannot read cases.persons, nor anything else of another service', async () => {
    const tracing = await as('tracing');
    expect(await denied(tracing, 'SELECT * FROM cases.persons LIMIT 1')).toMatch(
      /^42501: permission denied for schema cases/,
    );
    expect(await denied(tracing, 'SELECT * FROM cases.audit_log LIMIT 1')).toMatch(/^42501/);
    expect(await denied(tracing, 'INSERT INTO cases.outbox (event_id) VALUES (gen_random_uuid())')).toMatch(/^42501/);
    expect(await denied(tracing, 'SELECT * FROM quarantine.outbox LIMIT 1')).toMatch(/^42501/);
    const cases = await as('cases');
    expect(await denied(cases, 'SELECT * FROM tracing.contacts LIMIT 1')).toMatch(
      /^42501: permission denied for schema tracing/,
    );
    expect(await denied(cases, 'SELECT * FROM cases.persons LIMIT 1')).toBe('allowed');
    expect(await denied(tracing, 'SELECT * FROM tracing.contacts LIMIT 1')).toBe('allowed');
  });

  it('a service role is no superuser and can create no schema, role or database, nor tables in public', async () => {
    const tracing = await as('tracing');
    const { rows } = await tracing.query(
      'SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user',
    );
    expect(rows).toEqual([{ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false }]);
    expect(await denied(tracing, 'CREATE SCHEMA sneaky')).toMatch(/^42501/);
    expect(await denied(tracing, 'CREATE TABLE public.sneaky (x int)')).toMatch(/^42501/);
    expect(await denied(tracing, 'CREATE ROLE sneaky')).toMatch(/^42501/);
  });

  it('each role owns its schema and every table, sequence and function in it', async () => {
    const pg = await db();
    clients.push(pg);
    const { rows } = await pg.query(
      `SELECT n.nspname AS schema, pg_get_userbyid(n.nspowner) AS schema_owner, array_agg(DISTINCT pg_get_userbyid(c.relowner)::text) AS owners
         FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid
        WHERE n.nspname IN ('cases', 'tracing', 'quarantine', 'ops', 'checkin_gateway') GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(rows).toHaveLength(5);
    const prefix = new URL(serviceDatabaseUrl('cases')).username.replace(/cases$/, '');
    for (const r of rows) {
      expect(r.schema_owner).toBe(`${prefix}${r.schema}`);
      expect(r.owners).toEqual([`${prefix}${r.schema}`]);
    }
    const fns = await pg.query(
      "SELECT DISTINCT pg_get_userbyid(p.proowner) AS owner FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'tracing'",
    );
    expect(fns.rows.map((r) => r.owner)).toEqual([`${prefix}tracing`]);
  });

  it('provisioning takes over what an administrator made, is idempotent, and refuses a superuser name', async () => {
    const adminUrl = process.env.DATABASE_URL!;
    const pg = await db();
    clients.push(pg);
    const dbName = (await pg.query('SELECT current_database() AS d')).rows[0].d as string;
    const role = serviceRoleName(`${dbName}_`, 'scratch');
    try {
      await pg.query('DROP SCHEMA IF EXISTS scratch CASCADE');
      await pg.query(
        'CREATE SCHEMA scratch; CREATE TABLE scratch.t (id serial PRIMARY KEY, v text); CREATE SEQUENCE scratch.free_seq',
      );
      const r = { schema: 'scratch', role, password: 'first-password-1' };
      await provisionServiceRoles(adminUrl, [r]);
      await provisionServiceRoles(adminUrl, [{ ...r, password: 'second-password-2' }]);
      const owners = await pg.query(
        "SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'scratch' AND c.relkind IN ('r','S') ORDER BY 1",
      );
      expect(owners.rows).toEqual([
        { relname: 'free_seq', owner: role },
        { relname: 't', owner: role },
        { relname: 't_id_seq', owner: role },
      ]);
      const own = new Client({ connectionString: roleDatabaseUrl(adminUrl, r) });
      await own.connect();
      clients.push(own);
      await own.query("INSERT INTO scratch.t (v) VALUES ('x')");
      expect((await own.query('SELECT count(*)::int AS n FROM scratch.t')).rows[0].n).toBe(1);
      await expect(
        provisionServiceRoles(adminUrl, [{ schema: 'scratch', role: 'postgres', password: 'x' }]),
      ).rejects.toThrow(/superuser/);
      expect(() => serviceRoleName('Bad-', 'cases')).toThrow(/DB_ROLE_PREFIX/);
    } finally {
      await pg.query('DROP SCHEMA IF EXISTS scratch CASCADE');
      await dropServiceRoles(adminUrl, [role]);
    }
    expect((await pg.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount).toBe(0);
  });

  it('keeps generated passwords in a file only its owner reads, reused on the next start; a variable wins', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ct-roles-')), 'sub', 'db-roles.json');
    const roles = [
      { schema: 'cases', role: 'ct_cases' },
      { schema: 'tracing', role: 'ct_tracing' },
    ];
    const first = serviceRolePasswords(roles, file, {});
    expect(first[0].password).toMatch(/^[\w-]{32}$/);
    expect(first[0].password).not.toBe(first[1].password);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(serviceRolePasswords(roles, file, {})).toEqual(first);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      ct_cases: first[0].password,
      ct_tracing: first[1].password,
    });
    expect(serviceRolePasswords(roles, file, { DB_PASSWORD_CASES: 'from-the-environment' })[0].password).toBe(
      'from-the-environment',
    );
  });
});
