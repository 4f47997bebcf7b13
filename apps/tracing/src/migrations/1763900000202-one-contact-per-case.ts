import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person is one contact of a case: its F1 or (else) its F2, never both and never twice, however
 * many F1 they met. (The first version keyed edges by source person too, which let a crowded
 * venue multiply F2 edges by the number of F1 present.)
 */
export class OneContactPerCase1763900000202 implements MigrationInterface {
  name = 'OneContactPerCase1763900000202';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE tracing.contacts DROP CONSTRAINT contacts_source_case_id_source_person_id_person_id_key',
    );
    await q.query(
      'ALTER TABLE tracing.contacts ADD CONSTRAINT contacts_case_person UNIQUE (source_case_id, person_id)',
    );
    await q.query('CREATE INDEX contacts_source_person ON tracing.contacts (source_person_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX tracing.contacts_source_person');
    await q.query('ALTER TABLE tracing.contacts DROP CONSTRAINT contacts_case_person');
    await q.query('ALTER TABLE tracing.contacts ADD UNIQUE (source_case_id, source_person_id, person_id)');
  }
}
