import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18: every epidemic level change published on surveillance.v1 (assessed by the criteria or
 * declared by the committee), so the level in force (the latest change) and the declared one are
 * shown beside the assessed level.
 */
export class LevelChanges1763900004200 implements MigrationInterface {
  name = 'LevelChanges1763900004200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ops.level_changes (
      event_id text PRIMARY KEY,
      area_code text NOT NULL,
      level int NOT NULL,
      previous_level int,
      source text NOT NULL,
      reason text,
      assessed_level int,
      declared_by text,
      changed_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX level_changes_area ON ops.level_changes (area_code, changed_at DESC, event_id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ops.level_changes');
  }
}
