import { MigrationInterface, QueryRunner } from 'typeorm';

/** Dead-letter payloads are kept as long as check-ins (21 days by default); then only the record stays. */
export class DlqPayloadRetention1763900001400 implements MigrationInterface {
  name = 'DlqPayloadRetention1763900001400';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ops.dlq_entries ADD COLUMN payload_purged_at timestamptz');
    await q.query(
      'CREATE INDEX dlq_entries_unpurged ON ops.dlq_entries (dead_lettered_at) WHERE payload_purged_at IS NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ops.dlq_entries_unpurged');
    await q.query('ALTER TABLE ops.dlq_entries DROP COLUMN payload_purged_at');
  }
}
