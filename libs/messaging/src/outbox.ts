import { EventEnvelope, toKafkaHeaders } from '@ct/contracts';
import { copyValue, currentLogContext, TransactionHost } from '@ct/platform';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { MESSAGING_OPTIONS, MessagingOptions } from './options';
import { EventPublisher } from './publisher';

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

const channel = (schema: string) => `ct_outbox_${schema}`;

/** From this many events on, Outbox.add writes with COPY instead of one INSERT with array parameters. */
const COPY_THRESHOLD = 100;

/** An outbox row as the relay sends it. */
export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: string;
}

/**
 * Bursts this process has just committed to the outbox, kept in memory while this process's relay
 * is the publishing one, so it sends them without reading 1 KB per event back from PostgreSQL. The
 * table stays the record: the relay still takes the ids from it, and reads whatever is not here
 * (other processes' rows, rows past the bound, anything after a restart).
 */
export class OutboxCache {
  private readonly rows = new Map<string, OutboxRow>();
  private active = false;

  constructor(private readonly max = 50_000) {}

  get enabled(): boolean {
    return this.active;
  }

  /** On while this process's relay holds the lead; off clears. */
  enable(on: boolean): void {
    this.active = on;
    if (!on) this.rows.clear();
  }

  offer(rows: OutboxRow[]): void {
    if (!this.active) return;
    for (const r of rows) {
      if (this.rows.size >= this.max) return;
      this.rows.set(r.id, r);
    }
  }

  /**
   * Forgets everything: called when the outbox table is empty. An entry whose row the relay had
   * already read from the table (it was woken by the commit before the entry was offered) is never
   * taken, and would otherwise stay until the bound.
   */
  clear(): void {
    this.rows.clear();
  }

  take(id: string): OutboxRow | undefined {
    const r = this.rows.get(id);
    if (r) this.rows.delete(id);
    return r;
  }

  get size(): number {
    return this.rows.size;
  }
}

/**
 * Adds events to the outbox inside the caller's transaction: they reach Kafka only if the state
 * change that caused them commits. pg_notify is transactional too, so the relay wakes at commit.
 */
@Injectable()
export class Outbox {
  constructor(
    private readonly tx: TransactionHost,
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions,
    private readonly cache: OutboxCache = new OutboxCache(),
  ) {}

  async add(...added: EventEnvelope[]): Promise<void> {
    if (added.length === 0) return;
    // An event that starts a chain (no causation, correlation defaulted to its own id) created while
    // handling an HTTP request or an event joins that request's or event's correlation id.
    const ambient = currentLogContext()?.correlationId;
    const events = ambient
      ? added.map((e) =>
          e.meta.causationId === null && e.meta.correlationId === e.meta.id
            ? { ...e, meta: { ...e.meta, correlationId: ambient } }
            : e,
        )
      : added;
    const s = this.opts.schema;
    if (events.length >= COPY_THRESHOLD) {
      // A burst (a super-spreader's contacts, a day's orders): COPY, no array parameters to build
      // and parse; ids taken first, so the rows can be handed to the relay once committed.
      const ids: { id: string }[] = await this.tx.manager.query(
        `SELECT nextval('"${s}".outbox_id_seq')::text AS id FROM generate_series(1, $1)`,
        [events.length],
      );
      const rows: OutboxRow[] = events.map((e, i) => ({
        id: ids[i].id,
        topic: e.topic,
        key: e.key,
        headers: toKafkaHeaders(e.meta),
        value: JSON.stringify(e.payload),
      }));
      const v = copyValue;
      await this.tx.copyIn(
        `COPY "${s}".outbox (id, event_id, topic, key, event_type, headers, value) FROM STDIN`,
        rows.map(
          (r, i) =>
            `${r.id}\t${v(events[i].meta.id)}\t${v(r.topic)}\t${v(r.key)}\t${v(events[i].meta.type)}\t${v(JSON.stringify(r.headers))}\t${v(r.value)}\n`,
        ),
      );
      if (this.cache.enabled) await this.tx.afterCommit(() => Promise.resolve(this.cache.offer(rows)));
    } else {
      await this.insert(events);
    }
    await this.tx.manager.query("SELECT pg_notify($1, '')", [channel(s)]);
  }

  private async insert(events: EventEnvelope[]): Promise<void> {
    const s = this.opts.schema;
    await this.tx.manager.query(
      `INSERT INTO "${s}".outbox (event_id, topic, key, event_type, headers, value)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])`,
      [
        events.map((e) => e.meta.id),
        events.map((e) => e.topic),
        events.map((e) => e.key),
        events.map((e) => e.meta.type),
        events.map((e) => JSON.stringify(toKafkaHeaders(e.meta))),
        events.map((e) => JSON.stringify(e.payload)),
      ],
    );
  }

  async backlog(): Promise<number> {
    const [row] = await this.tx.manager.query(`SELECT count(*)::int AS n FROM "${this.opts.schema}".outbox`);
    return row.n;
  }
}

/**
 * Publishes committed outbox rows in id order. One instance per service holds a session advisory
 * lock and is the only publisher, so events of one key keep their order even with many replicas;
 * the others wait to take over. Delivery is at least once: a crash between send and delete sends
 * the rows again, and consumers are idempotent by event id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private client?: Client;
  private leader = false;
  private stopped = false;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(
    private readonly tx: TransactionHost,
    private readonly publisher: EventPublisher,
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions,
    private readonly cache: OutboxCache = new OutboxCache(),
  ) {}

  onApplicationBootstrap(): void {
    if (this.opts.relay === false) return;
    this.loop = this.run();
  }

  /** Stops before TypeORM closes its pool (onApplicationShutdown), so no query meets a closed pool. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private async connect(): Promise<void> {
    const url = this.opts.databaseUrl;
    const client = new Client({ connectionString: url, application_name: `${this.opts.schema}-outbox-relay` });
    client.on('error', (err) => this.logger.warn(`relay connection lost: ${err.message}`));
    client.on('notification', () => this.wake?.());
    await client.connect();
    await client.query(`LISTEN ${channel(this.opts.schema)}`);
    this.client = client;
  }

  private async run(): Promise<void> {
    const pollMs = this.opts.relayPollMs ?? 500;
    while (!this.stopped) {
      try {
        if (!this.client) await this.connect();
        if (!this.leader) {
          const [{ ok }] = (
            await this.client!.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`outbox:${this.opts.schema}`])
          ).rows;
          this.leader = ok;
          this.cache.enable(ok);
          if (!ok) {
            await this.sleep(2000);
            continue;
          }
        }
        const sent = await this.publishBatch();
        if (sent === 0) await this.sleep(pollMs);
      } catch (err) {
        this.logger.error(`outbox relay failed, retrying: ${(err as Error).message}`);
        this.leader = false;
        this.cache.enable(false);
        await this.client?.end().catch(() => undefined);
        this.client = undefined;
        await this.sleep(1000);
      }
    }
    await this.client?.end().catch(() => undefined);
  }

  /**
   * Sends every committed row, in id order, `limit` rows per read; returns how many were sent.
   * The next rows are read while the current ones are being sent, and rows are deleted once
   * acknowledged. Each read takes the rows after the last one read, so a transaction that commits
   * lower ids late is picked up by the next call (which starts from the lowest id again).
   */
  async publishBatch(limit = 5000, maxBytes = 800_000): Promise<number> {
    const s = this.opts.schema;
    // The ids from the table, the rows from memory when this process has just written them.
    const read = async (after: string): Promise<OutboxRow[]> => {
      const ids: { id: string }[] = await this.tx.dataSource.query(
        `SELECT id FROM "${s}".outbox WHERE id > $1::bigint ORDER BY id LIMIT $2`,
        [after, limit],
      );
      if (ids.length === 0 && after === '0') this.cache.clear();
      const rows = ids.map((r) => this.cache.take(r.id));
      const missing = ids.filter((_, i) => !rows[i]).map((r) => r.id);
      if (missing.length > 0) {
        const found: OutboxRow[] = await this.tx.dataSource.query(
          `SELECT id, topic, key, headers, value FROM "${s}".outbox WHERE id = ANY($1::bigint[])`,
          [missing],
        );
        const byId = new Map(found.map((r) => [r.id, r]));
        ids.forEach((r, i) => (rows[i] ??= byId.get(r.id)));
      }
      // A row deleted between the two reads (never, with one relay) is left out.
      return rows.filter((r): r is OutboxRow => r !== undefined);
    };
    let next = read('0');
    let deleting: Promise<unknown> = Promise.resolve();
    let sent = 0;
    try {
      for (;;) {
        const rows = await next;
        if (rows.length === 0) break;
        next = rows.length === limit && !this.stopped ? read(rows[rows.length - 1].id) : Promise.resolve([]);
        next.catch(() => undefined); // awaited on the next turn; a failed send must not leave it unhandled
        await this.send(rows, maxBytes);
        await deleting;
        deleting = this.tx.dataSource.query(`DELETE FROM "${s}".outbox WHERE id = ANY($1::bigint[])`, [
          rows.map((r) => r.id),
        ]);
        sent += rows.length;
      }
    } finally {
      await deleting;
    }
    return sent;
  }

  /** Sends rows in order, in chunks of at most `maxBytes` (under the broker's default 1 MB request limit). */
  private async send(rows: OutboxRow[], maxBytes: number): Promise<void> {
    let chunk: typeof rows = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      await this.publisher.send(chunk.map((r) => ({ topic: r.topic, key: r.key, value: r.value, headers: r.headers })));
      chunk = [];
      bytes = 0;
    };
    for (const row of rows) {
      const size = row.value.length + row.key.length + 400;
      if (bytes + size > maxBytes) await flush();
      chunk.push(row);
      bytes += size;
    }
    await flush();
  }
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
