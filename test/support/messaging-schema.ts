import { TransactionHost } from '@ct/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { messagingTablesSql } from '../../libs/messaging/src/messaging-migrations';
import { MessagingOptions } from '../../libs/messaging/src/options';

/** A test file's own messaging schema (filled in beforeAll). */
export interface MessagingSchema {
  schema: string;
  ds: DataSource;
  tx: TransactionHost;
  /** Messaging options naming the schema (what Outbox and Inbox read). */
  options: MessagingOptions;
}

/**
 * A schema of its own on the test database with the messaging tables every service's first
 * migration makes (outbox, inbox), for a file that drives Outbox or Inbox without a service or a
 * broker: made in beforeAll, dropped in afterAll (call it in a describe). The answer's fields are
 * set once beforeAll has run.
 */
export function messagingSchema(prefix: string): MessagingSchema {
  const m = { schema: `${prefix}_${randomUUID().slice(0, 8)}` } as MessagingSchema;
  beforeAll(async () => {
    m.ds = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
    await m.ds.initialize();
    await m.ds.query(`CREATE SCHEMA "${m.schema}"`);
    for (const sql of messagingTablesSql(m.schema)) await m.ds.query(sql);
    m.tx = new TransactionHost(m.ds);
    m.options = { schema: m.schema } as MessagingOptions;
  });
  afterAll(async () => {
    await m.ds?.query(`DROP SCHEMA IF EXISTS "${m.schema}" CASCADE`);
    await m.ds?.destroy();
  });
  return m;
}
