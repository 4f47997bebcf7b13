import { MigrationInterface, QueryRunner } from 'typeorm';

/** GET /notifications/summary reads the messages finished in the last hour: an index on when they finished. */
export class NotificationSummary1763900004110 implements MigrationInterface {
  name = 'NotificationSummary1763900004110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX notification_deliveries_done ON cases.notification_deliveries (done_at) WHERE done_at IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX cases.notification_deliveries_done');
  }
}
