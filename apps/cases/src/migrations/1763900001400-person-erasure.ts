import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure: a person's identity fields are removed (the pseudonymous personId and the non-identifying
 * profile stay for statistics) and erased_at says when. full_name may then be null.
 */
export class PersonErasure1763900001400 implements MigrationInterface {
  name = 'PersonErasure1763900001400';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE cases.persons ADD COLUMN erased_at timestamptz, ALTER COLUMN full_name DROP NOT NULL');
    await q.query(
      'ALTER TABLE cases.persons ADD CONSTRAINT persons_named_unless_erased CHECK (erased_at IS NOT NULL OR full_name IS NOT NULL)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("UPDATE cases.persons SET full_name = '' WHERE full_name IS NULL");
    await q.query(
      'ALTER TABLE cases.persons DROP CONSTRAINT persons_named_unless_erased, DROP COLUMN erased_at, ALTER COLUMN full_name SET NOT NULL',
    );
  }
}
