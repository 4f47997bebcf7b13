import { Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager } from 'typeorm';

interface Scope {
  manager: EntityManager;
  afterCommit: (() => Promise<void>)[];
  /** Keyed work for just before the commit, in the order of each key's last registration. */
  beforeCommit: Map<string, () => Promise<void>>;
}

/** COPY text format: a value with \, tab, newline or CR escaped; null is \N. */
export function copyValue(v: string | number | boolean | null): string {
  if (v === null) return '\\N';
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch]) : s;
}
/** Statement names by text (a hash: the same text gets the same name in every process). */
const PREPARED_NAMES = new Map<string, string>();

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** The pg connection under a TypeORM manager's query runner (a transaction's), if it has one. */
export function pgConnectionOf(manager: EntityManager): PoolClient | undefined {
  return (manager.queryRunner as unknown as { databaseConnection?: PoolClient } | undefined)?.databaseConnection;
}

/**
 * One unit of work per async call chain. A Kafka handler, a command handler, the inbox record and
 * the outbox rows all reach the same transaction through `manager`, without passing it around.
 */
@Injectable()
export class TransactionHost {
  private readonly store = new AsyncLocalStorage<Scope>();

  constructor(readonly dataSource: DataSource) {}

  /** The current transaction's manager, or the pool's when no transaction is open. */
  get manager(): EntityManager {
    return this.store.getStore()?.manager ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return this.store.getStore() !== undefined;
  }

  /**
   * Runs fn in a transaction, joining the caller's when there is one. Work registered with
   * beforeCommit runs in the transaction once fn is done; work registered with afterCommit runs once
   * the outermost transaction has committed, before run() resolves (so a Kafka handler's offset is
   * committed only after it); a rollback discards both.
   */
  async run<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    const current = this.store.getStore();
    if (current) return fn(current.manager);
    const after: (() => Promise<void>)[] = [];
    const before = new Map<string, () => Promise<void>>();
    const result = await this.dataSource.transaction((manager) =>
      this.store.run({ manager, afterCommit: after, beforeCommit: before }, async () => {
        const r = await fn(manager);
        // Work may register more (keyed) work: until none is left.
        while (before.size > 0) {
          const works = [...before.values()];
          before.clear();
          for (const work of works) await work();
        }
        return r;
      }),
    );
    for (const work of after) await work();
    return result;
  }

  /** Work to do after the current transaction commits, outside it; at once when there is none. */
  async afterCommit(work: () => Promise<void>): Promise<void> {
    const current = this.store.getStore();
    if (current) current.afterCommit.push(work);
    else await work();
  }

  /**
   * A statement PostgreSQL parses and plans once per connection (a named prepared statement; after
   * five runs it may keep one generic plan), for the statements every request or relay pass runs:
   * planning a batch of array parameters costs more than running it (0.6 ms against 0.2 ms for
   * eight follow-ups, bench:care's database). In the current transaction when there is one, else on
   * a pooled connection. Answers the rows. The text must not embed values: each distinct text is
   * one prepared statement on every connection.
   */
  async queryPrepared<T = Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]> {
    let name = PREPARED_NAMES.get(text);
    if (!name) {
      name = `ct_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      PREPARED_NAMES.set(text, name);
    }
    const conn = this.inTransaction ? pgConnectionOf(this.manager) : undefined;
    if (this.inTransaction && !conn) return this.manager.query(text, params);
    const target = conn ?? (this.dataSource.driver as unknown as { master: Pool }).master;
    const result = await target.query({ name, text, values: params });
    return result.rows as T[];
  }

  /**
   * Work to do once per `key` and transaction, in it, just before it commits (after the outermost
   * run's fn): registering a key again replaces the earlier work, which never runs. For what a
   * transaction should do once however many of its operations ask, with the state then (one event
   * per changed thing, with its final figures). At once when there is no transaction; an error
   * rolls the transaction back.
   */
  async beforeCommit(key: string, work: () => Promise<void>): Promise<void> {
    const current = this.store.getStore();
    if (!current) return work();
    current.beforeCommit.delete(key);
    current.beforeCommit.set(key, work);
  }

  /**
   * COPY … FROM STDIN in the current transaction: `lines` are rows in COPY text format, each ending
   * in a newline (see copyValue). For bursts of thousands of rows, where building and parsing array
   * parameters costs more than the rows themselves.
   */
  async copyIn(sql: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const conn = pgConnectionOf(this.manager);
    if (!conn || !this.inTransaction) return this.run(() => this.copyIn(sql, lines));
    const chunks: string[] = [];
    for (let i = 0; i < lines.length; i += 1000) chunks.push(lines.slice(i, i + 1000).join(''));
    await pipeline(Readable.from(chunks), conn.query(copyFrom(sql)));
  }
}
