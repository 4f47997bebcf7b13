import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Care pathway (issue 16): the health facts the home-treatment rule needs (a listed underlying
 * disease, pregnancy; null = unknown). Published without identity data on PersonProfileChanged,
 * with the age band derived from the date of birth.
 */
export class PersonHealthFacts1763900004000 implements MigrationInterface {
  name = 'PersonHealthFacts1763900004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE cases.persons ADD COLUMN underlying_condition boolean, ADD COLUMN pregnant boolean');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE cases.persons DROP COLUMN underlying_condition, DROP COLUMN pregnant');
  }
}
