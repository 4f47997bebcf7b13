import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contact graph. `contacts` holds one edge per (source case, source person, contact person):
 * degree 1 = exposed to the case's F0, degree 2 = exposed to one of its F1 (source person = that F1).
 * The unique key is what makes a redelivered or re-published CaseConfirmed add nothing.
 * `declared_contacts` keeps interview declarations, also those that arrive before their case is
 * traced; `exposure_sites` keeps every venue a case stayed at inside their infectious window.
 */
export class ContactGraph1763900000201 implements MigrationInterface {
  name = 'ContactGraph1763900000201';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tracing.contacts (
      contact_id uuid PRIMARY KEY,
      source_case_id text NOT NULL,
      source_person_id text NOT NULL,
      person_id text NOT NULL,
      degree smallint NOT NULL CHECK (degree IN (1, 2)),
      kind text NOT NULL,
      venue_id text,
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      first_exposure_at timestamptz NOT NULL,
      last_exposure_at timestamptz NOT NULL,
      identified_at timestamptz NOT NULL,
      CHECK (person_id <> source_person_id),
      UNIQUE (source_case_id, source_person_id, person_id)
    )`);
    await q.query('CREATE INDEX contacts_person ON tracing.contacts (person_id)');
    await q.query(`CREATE TABLE tracing.declared_contacts (
      declaration_id text PRIMARY KEY,
      case_id text NOT NULL,
      source_person_id text NOT NULL,
      person_id text NOT NULL,
      kind text NOT NULL,
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      declared_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX declared_contacts_case ON tracing.declared_contacts (case_id)');
    await q.query(`CREATE TABLE tracing.exposure_sites (
      case_id text NOT NULL,
      venue_id text NOT NULL,
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      PRIMARY KEY (case_id, venue_id, started_at)
    )`);
    await q.query('CREATE INDEX exposure_sites_time ON tracing.exposure_sites (ended_at, started_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tracing.exposure_sites');
    await q.query('DROP TABLE tracing.declared_contacts');
    await q.query('DROP TABLE tracing.contacts');
  }
}
