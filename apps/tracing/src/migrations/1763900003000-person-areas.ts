import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Area-scoped access (issue 14): the area of each person the cases service registered (from
 * PersonProfileChanged, newest changedAt wins), so a case's graph can tell which contacts belong to
 * the caller's areas; and one secret of the service (32 random bytes from gen_random_uuid, made here
 * once, shared by every replica) that keys the pseudonyms of other areas' contacts and seals the
 * graph's paging cursors.
 */
export class PersonAreas1763900003000 implements MigrationInterface {
  name = 'PersonAreas1763900003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tracing.person_areas (
      person_id text PRIMARY KEY,
      area_code text NOT NULL,
      changed_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE tracing.service_keys (
      name text PRIMARY KEY,
      key bytea NOT NULL CHECK (length(key) = 32)
    )`);
    await q.query(`INSERT INTO tracing.service_keys (name, key)
      VALUES ('graph', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'))`);
    await q.query('CREATE INDEX traced_cases_area ON tracing.traced_cases (area_code)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX tracing.traced_cases_area');
    await q.query('DROP TABLE tracing.service_keys');
    await q.query('DROP TABLE tracing.person_areas');
  }
}
