import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Area-scoped access (issue 14): the area of every case (from CaseConfirmed), so an order of a
 * person the cases service never registered (no profile, no area on the order) belongs to the area
 * of the case that made them a contact.
 */
export class CaseAreas1763900003000 implements MigrationInterface {
  name = 'CaseAreas1763900003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE quarantine.case_areas (
      case_id uuid PRIMARY KEY,
      person_id text NOT NULL,
      area_code text NOT NULL
    )`);
    await q.query('CREATE INDEX case_areas_person ON quarantine.case_areas (person_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE quarantine.case_areas');
  }
}
