import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * No query looks contacts up by source person alone (the graph reads by case, by person and the
 * unique (case, person)); the index only cost an insert per contact: a super-spreader's 33,000.
 */
export class DropSourcePersonIndex1763900000204 implements MigrationInterface {
  name = 'DropSourcePersonIndex1763900000204';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS tracing.contacts_source_person');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX contacts_source_person ON tracing.contacts (source_person_id)');
  }
}
