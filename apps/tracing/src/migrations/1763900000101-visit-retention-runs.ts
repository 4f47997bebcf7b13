import { MigrationInterface, QueryRunner } from 'typeorm';

/** The visit retention job's record: every run, the day partitions it dropped and their row counts. */
export class VisitRetentionRuns1763900000101 implements MigrationInterface {
  name = 'VisitRetentionRuns1763900000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tracing.visit_retention_runs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      started_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL,
      cutoff timestamptz NOT NULL,
      dropped_partitions text[] NOT NULL,
      purged_rows bigint NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tracing.visit_retention_runs');
  }
}
