import { MigrationInterface, QueryRunner } from 'typeorm';

export class TracedCases1763900000001 implements MigrationInterface {
  name = 'TracedCases1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tracing.traced_cases (
      case_id text PRIMARY KEY,
      person_id text NOT NULL,
      confirmed_at timestamptz NOT NULL,
      symptom_onset_at timestamptz,
      sample_taken_at timestamptz,
      origin text NOT NULL,
      area_code text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX traced_cases_person ON tracing.traced_cases (person_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tracing.traced_cases');
  }
}
