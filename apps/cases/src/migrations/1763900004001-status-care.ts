import { MigrationInterface, QueryRunner } from 'typeorm';

/** Care pathway (issue 16): the person status read model of care.v1 (isolation, daily follow-up). */
export class StatusCare1763900004001 implements MigrationInterface {
  name = 'StatusCare1763900004001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.status_isolations (
      isolation_id uuid PRIMARY KEY,
      person_id text NOT NULL,
      case_id uuid NOT NULL,
      area_code text NOT NULL,
      kind text NOT NULL,
      facility_id text,
      needs_bed boolean NOT NULL,
      first_day date NOT NULL,
      planned_end_on date NOT NULL,
      status text NOT NULL,
      end_reason text,
      ended_at timestamptz,
      ordered_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX status_isolations_person ON cases.status_isolations (person_id, ordered_at)');
    await q.query(`CREATE TABLE cases.status_follow_ups (
      person_id text PRIMARY KEY,
      last_check_on date,
      last_status text,
      last_warning_signs text[] NOT NULL DEFAULT '{}',
      lost_to_follow_up boolean NOT NULL DEFAULT false,
      escalations int NOT NULL DEFAULT 0,
      last_escalation text,
      updated_at timestamptz NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cases.status_follow_ups, cases.status_isolations');
  }
}
