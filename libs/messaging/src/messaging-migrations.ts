import { MigrationInterface, QueryRunner } from 'typeorm';

/** SQL for the messaging tables in a service's schema; every service's first migration runs it. */
export function messagingTablesSql(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}".outbox (
       id bigserial PRIMARY KEY,
       event_id text NOT NULL UNIQUE,
       topic text NOT NULL,
       key text NOT NULL,
       event_type text NOT NULL,
       headers jsonb NOT NULL,
       value text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE "${schema}".inbox (
       consumer text NOT NULL,
       event_id text NOT NULL,
       handled_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (consumer, event_id)
     )`,
  ];
}

/**
 * The first migration of every service: its outbox and inbox. One factory, so all services keep
 * the same messaging tables; the class name carries the timestamp TypeORM requires.
 */
export function messagingInitMigration(schema: string, timestamp = 1763900000000): new () => MigrationInterface {
  const name = `Init${timestamp}`;
  return class implements MigrationInterface {
    name = name;

    async up(q: QueryRunner): Promise<void> {
      for (const sql of messagingTablesSql(schema)) await q.query(sql);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE "${schema}".inbox`);
      await q.query(`DROP TABLE "${schema}".outbox`);
    }
  };
}

/**
 * Every service's second messaging migration: the outbox's event_id loses its unique index. Ids
 * are fresh UUIDs and consumers deduplicate by id in their inbox, so the index only cost a random
 * B-tree insert per event (a third of the write time of a super-spreader's 33,000 events).
 */
export function outboxWithoutEventIdIndexMigration(
  schema: string,
  timestamp = 1763900001000,
): new () => MigrationInterface {
  const name = `OutboxWithoutEventIdIndex${timestamp}`;
  return class implements MigrationInterface {
    name = name;

    async up(q: QueryRunner): Promise<void> {
      await q.query(`ALTER TABLE "${schema}".outbox DROP CONSTRAINT IF EXISTS outbox_event_id_key`);
    }

    async down(q: QueryRunner): Promise<void> {
      await q.query(`ALTER TABLE "${schema}".outbox ADD CONSTRAINT outbox_event_id_key UNIQUE (event_id)`);
    }
  };
}
