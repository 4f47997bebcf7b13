import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every export (issue 19): who, which data set and format, with which filters, how many rows, with identity or not. */
export class ExportLog1763900004301 implements MigrationInterface {
  name = 'ExportLog1763900004301';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.export_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      subject text NOT NULL,
      roles text NOT NULL,
      dataset text NOT NULL,
      format text NOT NULL,
      filters jsonb NOT NULL,
      identity boolean NOT NULL,
      row_count bigint NOT NULL,
      completed boolean NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cases.export_log');
  }
}
