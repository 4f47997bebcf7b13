import { MigrationInterface, QueryRunner } from 'typeorm';

/** Care pathway (issue 16): figures per area from care.v1 (isolations, follow-ups). No identity data. */
export class CareFigures1763900004002 implements MigrationInterface {
  name = 'CareFigures1763900004002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ops.care_isolations (
      isolation_id uuid PRIMARY KEY,
      area_code text NOT NULL,
      kind text NOT NULL,
      facility_id text,
      needs_bed boolean NOT NULL,
      active boolean NOT NULL,
      end_reason text,
      updated_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX care_isolations_area ON ops.care_isolations (area_code) WHERE active');
    // One row per follow-up seen (recorded or missed), by its own id: redeliveries change nothing.
    await q.query(`CREATE TABLE ops.care_follow_ups (
      follow_up_id uuid PRIMARY KEY,
      area_code text NOT NULL,
      due_on date NOT NULL,
      status text,
      missed boolean NOT NULL DEFAULT false,
      lost boolean NOT NULL DEFAULT false,
      escalated boolean NOT NULL DEFAULT false
    )`);
    await q.query('CREATE INDEX care_follow_ups_day ON ops.care_follow_ups (due_on, area_code)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ops.care_follow_ups, ops.care_isolations');
  }
}
