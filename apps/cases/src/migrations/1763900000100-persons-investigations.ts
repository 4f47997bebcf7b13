import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Persons (the only identity data in the system), case closing and test conversions,
 * investigations, declared contacts, the audit trail of identity-data access, and the person
 * status read model built from other services' events.
 */
export class PersonsInvestigations1763900000100 implements MigrationInterface {
  name = 'PersonsInvestigations1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.persons (
      person_id text PRIMARY KEY,
      full_name text NOT NULL,
      phone text,
      national_id text,
      date_of_birth date,
      address text,
      area_code text NOT NULL,
      vaccine_doses int NOT NULL DEFAULT 0,
      last_dose_at timestamptz,
      recovered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    // Phone numbers are stored normalized (E.164), so these catch duplicates written differently.
    await q.query('CREATE UNIQUE INDEX persons_phone_key ON cases.persons (phone) WHERE phone IS NOT NULL');
    await q.query(
      'CREATE UNIQUE INDEX persons_national_id_key ON cases.persons (national_id) WHERE national_id IS NOT NULL',
    );

    await q.query(`ALTER TABLE cases.cases
      ADD COLUMN source_test_id uuid,
      ADD COLUMN closed_at timestamptz,
      ADD COLUMN outcome text,
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    // The same positive result delivered twice makes one case.
    await q.query(
      'CREATE UNIQUE INDEX cases_source_test_key ON cases.cases (source_test_id) WHERE source_test_id IS NOT NULL',
    );
    await q.query('CREATE INDEX cases_area_confirmed ON cases.cases (area_code, confirmed_at)');
    await q.query('CREATE INDEX cases_confirmed ON cases.cases (confirmed_at, id)');

    await q.query(`CREATE TABLE cases.investigations (
      case_id uuid PRIMARY KEY REFERENCES cases.cases (id),
      status text NOT NULL DEFAULT 'open',
      assigned_team text,
      notes text,
      opened_at timestamptz NOT NULL,
      closed_at timestamptz,
      updated_at timestamptz NOT NULL
    )`);

    await q.query(`CREATE TABLE cases.declared_contacts (
      declaration_id uuid PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases.cases (id),
      source_person_id text NOT NULL,
      person_id text NOT NULL,
      kind text NOT NULL,
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      declared_at timestamptz NOT NULL,
      declared_by text NOT NULL,
      UNIQUE (case_id, person_id)
    )`);

    await q.query(`CREATE TABLE cases.audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      subject text NOT NULL,
      roles text NOT NULL,
      person_id text,
      action text NOT NULL,
      fields text[] NOT NULL
    )`);
    await q.query('CREATE INDEX audit_log_person ON cases.audit_log (person_id, id)');

    await q.query(`CREATE TABLE cases.status_contacts (
      contact_id uuid PRIMARY KEY,
      person_id text NOT NULL,
      source_person_id text NOT NULL,
      source_case_id uuid NOT NULL,
      degree int NOT NULL,
      kind text NOT NULL,
      last_exposure_at timestamptz NOT NULL,
      identified_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX status_contacts_person ON cases.status_contacts (person_id)');
    await q.query(`CREATE TABLE cases.status_quarantines (
      quarantine_id uuid PRIMARY KEY,
      person_id text NOT NULL,
      kind text NOT NULL,
      degree int NOT NULL,
      day_zero date NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      ordered_at timestamptz NOT NULL,
      ended_at timestamptz,
      end_reason text
    )`);
    await q.query('CREATE INDEX status_quarantines_person ON cases.status_quarantines (person_id)');
    await q.query(`CREATE TABLE cases.status_tests (
      test_id uuid PRIMARY KEY,
      person_id text NOT NULL,
      quarantine_id uuid,
      due_on date,
      day int,
      scheduled_at timestamptz,
      result text,
      test_type text,
      purpose text,
      sample_taken_at timestamptz,
      recorded_at timestamptz
    )`);
    await q.query('CREATE INDEX status_tests_person ON cases.status_tests (person_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'status_tests',
      'status_quarantines',
      'status_contacts',
      'audit_log',
      'declared_contacts',
      'investigations',
      'persons',
    ]) {
      await q.query(`DROP TABLE cases.${t}`);
    }
    await q.query('DROP INDEX cases.cases_source_test_key');
    await q.query('DROP INDEX cases.cases_area_confirmed');
    await q.query('DROP INDEX cases.cases_confirmed');
    await q.query(
      'ALTER TABLE cases.cases DROP COLUMN source_test_id, DROP COLUMN closed_at, DROP COLUMN outcome, DROP COLUMN updated_at',
    );
  }
}
