import { TransactionHost } from '@ct/platform';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import { MESSAGING_OPTIONS, MessagingOptions } from './options';
import { OutboxCache, outboxChannel, OutboxRow } from './outbox-cache';
import { EventPublisher } from './publisher';

/** Below this many rows sent, the relay lingers before its next read. */
const LINGER_BELOW = 500;

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
  private woken = false;
  private loop?: Promise<void>;

  constructor(
    private readonly tx: TransactionHost,
    private readonly publisher: EventPublisher,
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions,
    private readonly cache: OutboxCache = new OutboxCache(),
  ) {}

  onApplicationBootstrap(): void {
    if (this.opts.relay === false) return;
    this.cache.onWake(() => this.wakeUp());
    this.loop = this.run();
  }

  /** Stops before TypeORM closes its pool (onApplicationShutdown), so no query meets a closed pool. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** Sleeps up to ms; a wake-up that came while it was busy ends the next sleep at once. */
  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** New rows committed (NOTIFY, or this process's Outbox): publish them now, not at the next poll. */
  private wakeUp(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }

  private async connect(): Promise<void> {
    const url = this.opts.databaseUrl;
    const client = new Client({ connectionString: url, application_name: `${this.opts.schema}-outbox-relay` });
    client.on('error', (err) => this.logger.warn(`relay connection lost: ${err.message}`));
    client.on('notification', () => this.wakeUp());
    await client.connect();
    await client.query(`LISTEN ${outboxChannel(this.opts.schema)}`);
    this.client = client;
  }

  private async run(): Promise<void> {
    const pollMs = this.opts.relayPollMs ?? 500;
    const lingerMs = this.opts.relayLingerMs ?? 10;
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
        // A small batch under steady load (staff recording all day): wait a moment for more rather
        // than read, send and delete a few rows at a time; an event waits at most lingerMs longer.
        else if (sent < LINGER_BELOW && lingerMs > 0) await new Promise((r) => setTimeout(r, lingerMs));
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
      const ids = await this.tx.queryPrepared<{ id: string }>(
        `SELECT id FROM "${s}".outbox WHERE id > $1::bigint ORDER BY id LIMIT $2`,
        [after, limit],
      );
      if (ids.length === 0 && after === '0') this.cache.clear();
      const rows = ids.map((r) => this.cache.take(r.id));
      const missing = ids.filter((_, i) => !rows[i]).map((r) => r.id);
      if (missing.length > 0) {
        const found = await this.tx.queryPrepared<OutboxRow>(
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
        deleting = this.tx.queryPrepared(`DELETE FROM "${s}".outbox WHERE id = ANY($1::bigint[])`, [
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
