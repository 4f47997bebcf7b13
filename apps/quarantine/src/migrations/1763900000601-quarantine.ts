import { MigrationInterface, QueryRunner } from 'typeorm';

export class Quarantine1763900000601 implements MigrationInterface {
  name = 'Quarantine1763900000601';

  async up(q: QueryRunner): Promise<void> {
    // What the cases service tells about a person (no identity data): vaccination, recovery, area.
    await q.query(`CREATE TABLE quarantine.person_profiles (
      person_id text PRIMARY KEY,
      area_code text NOT NULL,
      vaccine_doses int NOT NULL,
      last_dose_at timestamptz,
      recovered_at timestamptz,
      changed_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE quarantine.home_eligibility (
      person_id text PRIMARY KEY,
      separate_room boolean NOT NULL,
      no_high_risk_member boolean NOT NULL,
      reachable_daily boolean NOT NULL,
      eligible boolean NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL
    )`);
    await q.query(`CREATE TABLE quarantine.open_cases (
      person_id text PRIMARY KEY,
      case_id uuid NOT NULL,
      confirmed_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE quarantine.quarantines (
      id uuid PRIMARY KEY,
      person_id text NOT NULL,
      kind text NOT NULL,
      facility_id text,
      needs_facility boolean NOT NULL DEFAULT false,
      area_code text,
      degree int NOT NULL,
      source_person_id text NOT NULL,
      source_case_id uuid NOT NULL,
      day_zero date NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      test_days int[] NOT NULL,
      status text NOT NULL,
      overdue boolean NOT NULL DEFAULT false,
      end_reason text,
      ended_at timestamptz,
      ordered_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    // One active order per person, enforced by the database as well as the handlers.
    await q.query(
      `CREATE UNIQUE INDEX quarantines_one_active ON quarantine.quarantines (person_id) WHERE status = 'ACTIVE'`,
    );
    // The release pass's timer: active orders by end.
    await q.query(`CREATE INDEX quarantines_active_ends ON quarantine.quarantines (ends_at) WHERE status = 'ACTIVE'`);
    await q.query(
      `CREATE INDEX quarantines_watch_source ON quarantine.quarantines (source_person_id) WHERE status = 'ACTIVE' AND kind = 'SELF_MONITORING'`,
    );
    await q.query(`CREATE INDEX quarantines_facility ON quarantine.quarantines (facility_id) WHERE status = 'ACTIVE'`);
    await q.query(`CREATE INDEX quarantines_person ON quarantine.quarantines (person_id, ordered_at)`);
    // Every change of an order, with what it was before (extensions, transfers, escalations, ends).
    await q.query(`CREATE TABLE quarantine.quarantine_history (
      id bigserial PRIMARY KEY,
      quarantine_id uuid NOT NULL REFERENCES quarantine.quarantines(id),
      change text NOT NULL,
      previous_kind text,
      kind text,
      previous_ends_at timestamptz,
      ends_at timestamptz,
      day_zero date,
      facility_id text,
      reason text,
      at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX quarantine_history_q ON quarantine.quarantine_history (quarantine_id, id)');
    await q.query(`CREATE TABLE quarantine.tests (
      id uuid PRIMARY KEY,
      person_id text NOT NULL,
      quarantine_id uuid REFERENCES quarantine.quarantines(id),
      purpose text NOT NULL,
      due_on date,
      day int,
      status text NOT NULL,
      missed boolean NOT NULL DEFAULT false,
      result text,
      test_type text,
      sample_taken_at timestamptz,
      recorded_at timestamptz,
      recorded_by text,
      scheduled_at timestamptz NOT NULL
    )`);
    await q.query(
      `CREATE INDEX tests_quarantine ON quarantine.tests (quarantine_id, due_on DESC, scheduled_at DESC) WHERE status <> 'CANCELLED'`,
    );
    await q.query(`CREATE INDEX tests_due ON quarantine.tests (due_on) WHERE status = 'SCHEDULED'`);
    await q.query('CREATE INDEX tests_person ON quarantine.tests (person_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE quarantine.tests, quarantine.quarantine_history, quarantine.quarantines, quarantine.open_cases, quarantine.home_eligibility, quarantine.person_profiles',
    );
  }
}
