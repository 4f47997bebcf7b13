import { MigrationInterface, QueryRunner } from 'typeorm';

/** Care pathway (issue 16): isolation of cases, treatment facilities, daily follow-ups. */
export class Care1763900004000 implements MigrationInterface {
  name = 'Care1763900004000';

  async up(q: QueryRunner): Promise<void> {
    // The health facts the home-treatment rule needs (PersonProfileChanged; null = unknown).
    await q.query(
      'ALTER TABLE quarantine.person_profiles ADD COLUMN age_band text, ADD COLUMN underlying_condition boolean, ADD COLUMN pregnant boolean',
    );
    await q.query(`CREATE TABLE quarantine.care_facilities (
      id text PRIMARY KEY,
      name text NOT NULL,
      area_code text NOT NULL,
      capacity int NOT NULL CHECK (capacity >= 0),
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL
    )`);
    await q.query(`CREATE TABLE quarantine.isolations (
      id uuid PRIMARY KEY,
      person_id text NOT NULL,
      case_id uuid NOT NULL UNIQUE,
      area_code text NOT NULL,
      kind text NOT NULL,
      facility_id text,
      needs_bed boolean NOT NULL DEFAULT false,
      escalated boolean NOT NULL DEFAULT false,
      first_day date NOT NULL,
      planned_end_on date NOT NULL,
      test_days int[] NOT NULL,
      from_quarantine_id uuid,
      status text NOT NULL,
      end_reason text,
      ended_at timestamptz,
      ordered_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(
      `CREATE UNIQUE INDEX isolations_one_active ON quarantine.isolations (person_id) WHERE status = 'ACTIVE'`,
    );
    await q.query(`CREATE INDEX isolations_facility ON quarantine.isolations (facility_id) WHERE status = 'ACTIVE'`);
    await q.query(
      `CREATE INDEX isolations_waiting ON quarantine.isolations (ordered_at) WHERE status = 'ACTIVE' AND needs_bed`,
    );
    await q.query('ALTER TABLE quarantine.tests ADD COLUMN isolation_id uuid REFERENCES quarantine.isolations(id)');
    await q.query(
      `CREATE INDEX tests_isolation ON quarantine.tests (isolation_id, due_on DESC, scheduled_at DESC) WHERE isolation_id IS NOT NULL AND status <> 'CANCELLED'`,
    );
    // One row per check due: (order, day, slot). status DUE, DONE, UNREACHABLE or CANCELLED; missed
    // is set by the daily pass when the day passed without a DONE.
    await q.query(`CREATE TABLE quarantine.follow_ups (
      id uuid PRIMARY KEY,
      person_id text NOT NULL,
      subject text NOT NULL,
      order_id uuid NOT NULL,
      area_code text,
      due_on date NOT NULL,
      slot int NOT NULL,
      status text NOT NULL,
      source text,
      temperature_c numeric(4,1),
      spo2 int,
      symptoms text[],
      warning_signs text[],
      note text,
      recorded_at timestamptz,
      recorded_by text,
      missed boolean NOT NULL DEFAULT false,
      lost boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL,
      UNIQUE (order_id, due_on, slot)
    )`);
    await q.query('CREATE INDEX follow_ups_due ON quarantine.follow_ups (due_on, area_code)');
    await q.query(
      `CREATE INDEX follow_ups_open ON quarantine.follow_ups (due_on) WHERE NOT missed AND status IN ('DUE', 'UNREACHABLE')`,
    );
    await q.query(`CREATE INDEX follow_ups_done ON quarantine.follow_ups (order_id, due_on) WHERE status = 'DONE'`);
    await q.query('CREATE INDEX follow_ups_person ON quarantine.follow_ups (person_id, due_on)');
    // Self-reports per order per hour (the public link's rate limit).
    await q.query(`CREATE TABLE quarantine.self_report_hits (
      order_id uuid NOT NULL,
      hour timestamptz NOT NULL,
      n int NOT NULL,
      PRIMARY KEY (order_id, hour)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE quarantine.self_report_hits, quarantine.follow_ups');
    await q.query('ALTER TABLE quarantine.tests DROP COLUMN isolation_id');
    await q.query('DROP TABLE quarantine.isolations, quarantine.care_facilities');
    await q.query(
      'ALTER TABLE quarantine.person_profiles DROP COLUMN age_band, DROP COLUMN underlying_condition, DROP COLUMN pregnant',
    );
  }
}
