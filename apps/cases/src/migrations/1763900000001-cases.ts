import { MigrationInterface, QueryRunner } from 'typeorm';

export class Cases1763900000001 implements MigrationInterface {
  name = 'Cases1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.cases (
      id uuid PRIMARY KEY,
      person_id text NOT NULL,
      confirmed_at timestamptz NOT NULL,
      symptom_onset_at timestamptz,
      sample_taken_at timestamptz,
      test_type text NOT NULL,
      origin text NOT NULL,
      area_code text NOT NULL,
      status text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // One open case per person, enforced by the database as well as the handler.
    await q.query(`CREATE UNIQUE INDEX cases_one_open_per_person ON cases.cases (person_id) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cases.cases');
  }
}
