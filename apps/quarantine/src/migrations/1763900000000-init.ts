import { messagingTablesSql } from '@ct/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1763900000000 implements MigrationInterface {
  name = 'Init1763900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesSql('quarantine')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "quarantine".inbox');
    await q.query('DROP TABLE "quarantine".outbox');
  }
}
