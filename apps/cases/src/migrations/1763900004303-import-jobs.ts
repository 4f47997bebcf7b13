import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CSV imports of persons and cases (issue 19): one row per import, its progress and the problems of
 * its lines (line, field, problem: never a value).
 */
export class ImportJobs1763900004303 implements MigrationInterface {
  name = 'ImportJobs1763900004303';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.import_jobs (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('persons', 'cases')),
      status text NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
      total int NOT NULL,
      processed int NOT NULL DEFAULT 0,
      created int NOT NULL DEFAULT 0,
      duplicates int NOT NULL DEFAULT 0,
      rejected int NOT NULL DEFAULT 0,
      problems jsonb NOT NULL DEFAULT '[]',
      created_by text NOT NULL,
      created_at timestamptz NOT NULL,
      finished_at timestamptz
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cases.import_jobs');
  }
}
