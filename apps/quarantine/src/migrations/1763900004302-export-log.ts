import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every export of quarantine data (issue 19): who, which data set and format, filters, how many rows. */
export class ExportLog1763900004302 implements MigrationInterface {
  name = 'ExportLog1763900004302';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE quarantine.export_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      subject text NOT NULL,
      roles text NOT NULL,
      dataset text NOT NULL,
      format text NOT NULL,
      filters jsonb NOT NULL,
      row_count bigint NOT NULL,
      completed boolean NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE quarantine.export_log');
  }
}
