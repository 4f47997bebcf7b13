import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The weekly figures count isolations running at the end of each week, so the care read model keeps
 * when each began and ended, and where it was from when (orders and transfers of care.v1). Rows
 * from before this migration take their last change as both (the best ops knew).
 */
export class CareIsolationHistory1763900005300 implements MigrationInterface {
  name = 'CareIsolationHistory1763900005300';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ops.care_isolations ADD COLUMN ordered_at timestamptz, ADD COLUMN ended_at timestamptz');
    await q.query(
      'UPDATE ops.care_isolations SET ordered_at = updated_at, ended_at = CASE WHEN active THEN NULL ELSE updated_at END',
    );
    await q.query('ALTER TABLE ops.care_isolations ALTER COLUMN ordered_at SET NOT NULL');
    await q.query(`CREATE TABLE ops.care_isolation_places (
      isolation_id uuid NOT NULL,
      since timestamptz NOT NULL,
      kind text NOT NULL,
      facility_id text,
      needs_bed boolean NOT NULL,
      PRIMARY KEY (isolation_id, since)
    )`);
    await q.query(
      `INSERT INTO ops.care_isolation_places (isolation_id, since, kind, facility_id, needs_bed)
       SELECT isolation_id, ordered_at, kind, facility_id, needs_bed FROM ops.care_isolations`,
    );
    await q.query('CREATE INDEX care_isolations_period ON ops.care_isolations (area_code, ordered_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ops.care_isolations_period');
    await q.query('DROP TABLE ops.care_isolation_places');
    await q.query('ALTER TABLE ops.care_isolations DROP COLUMN ordered_at, DROP COLUMN ended_at');
  }
}
