import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case is traced in stages: F1 in the transaction that records the case, F2 after it commits,
 * in transactions of a few thousand contacts each (a super-spreader's F1 reach Kafka while their
 * F2 is still being computed). `traced_at` is the F1 identification time (the end of every F2
 * window); `f2_expanded_at` stays null until the F2 stage has finished, so a stage cut short by a
 * crash is resumed (contacts are idempotent per case and person). The cause is kept for the F2
 * events' correlation and causation. Cases traced before this migration were traced in one go.
 */
export class StagedExpansion1763900000203 implements MigrationInterface {
  name = 'StagedExpansion1763900000203';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tracing.traced_cases
      ADD COLUMN traced_at timestamptz,
      ADD COLUMN f2_expanded_at timestamptz,
      ADD COLUMN cause_event_id text,
      ADD COLUMN correlation_id text`);
    await q.query('UPDATE tracing.traced_cases SET traced_at = received_at, f2_expanded_at = received_at');
    await q.query(
      'CREATE INDEX traced_cases_f2_pending ON tracing.traced_cases (traced_at) WHERE f2_expanded_at IS NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX tracing.traced_cases_f2_pending');
    await q.query(
      'ALTER TABLE tracing.traced_cases DROP COLUMN traced_at, DROP COLUMN f2_expanded_at, DROP COLUMN cause_event_id, DROP COLUMN correlation_id',
    );
  }
}
