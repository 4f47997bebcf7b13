import { EventEnvelope, toKafkaHeaders } from '@ct/contracts';
import { copyValue, currentLogContext, TransactionHost, withLogContext } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { MESSAGING_OPTIONS, MessagingOptions } from './options';
import { OutboxCache, outboxChannel, OutboxRow } from './outbox-cache';

/** From this many events on, Outbox.add writes with COPY instead of one INSERT with array parameters. */
const COPY_THRESHOLD = 100;

/**
 * Adds events to the outbox inside the caller's transaction: they reach Kafka only if the state
 * change that caused them commits. The relay wakes at commit: in-process when this process's relay
 * is the publishing one, else through pg_notify, which is transactional too. (NOTIFY takes a lock
 * at commit that serialises committing transactions, so it is left out when it is not needed; a
 * relay that lost the lead in between finds the rows at its successor's first read or poll.)
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
    const events = this.withAmbientCorrelation(added);
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
      if (this.cache.enabled) {
        await this.tx.afterCommit(() => Promise.resolve(this.cache.offer(rows)));
        await this.wakeAfterCommit();
      } else await this.tx.manager.query("SELECT pg_notify($1, '')", [outboxChannel(s)]);
    } else {
      await this.insert(events);
    }
  }

  /**
   * At most one event of `topic` and `key` from the current transaction: `build` runs just before
   * the transaction commits (in it, so it reads the state then), and a later addOnce of the same
   * topic and key replaces the earlier one's build, which never runs. For an event that announces
   * a thing's figures once per transaction however many of its operations changed them. build may
   * answer null (nothing to announce); it runs under the log context addOnce was called in. Without
   * a transaction, at once.
   */
  async addOnce(topic: string, key: string, build: () => Promise<EventEnvelope | null>): Promise<void> {
    const ctx = currentLogContext();
    const add = async () => {
      const e = await build();
      if (!e) return;
      if (e.topic !== topic || e.key !== key)
        throw new Error(`outbox.addOnce(${topic}, ${key}) was built an event of ${e.topic}, key ${e.key}`);
      await this.add(e);
    };
    await this.tx.beforeCommit(`outbox ${topic} ${key}`, () => (ctx ? withLogContext(ctx, add) : add()));
  }

  /** The rows, with the NOTIFY for a relay in another process, in one statement (one round trip per request that emits events). */
  private async insert(events: EventEnvelope[]): Promise<void> {
    if (this.cache.enabled) {
      await this.tx.queryPrepared(this.rowsFrom(1), columns(events));
      await this.wakeAfterCommit();
    } else {
      await this.tx.queryPrepared(`WITH added AS (${this.rowsFrom(1)}) SELECT pg_notify($7, '')`, [
        ...columns(events),
        outboxChannel(this.opts.schema),
      ]);
    }
  }

  /** Wakes this process's relay once the current transaction commits (at once outside one). */
  private wakeAfterCommit(): Promise<void> {
    return this.tx.afterCommit(() => Promise.resolve(this.cache.wake()));
  }

  /**
   * Runs one data-modifying statement (`UPDATE … RETURNING …`, its parameters $1…$n) and, in the same
   * statement, adds the events when it changed a row, then wakes the relay: one round trip where a
   * transaction takes four (BEGIN, the change, the outbox, COMMIT). For a change that needs no
   * other statement, such as recording a follow-up; the caller's guard (e.g. `AND status = $k`) is
   * what makes it safe without a lock. Answers how many rows changed (0: nothing was added).
   */
  async addIf(change: { sql: string; params: unknown[] }, ...added: EventEnvelope[]): Promise<number> {
    const events = this.withAmbientCorrelation(added);
    return (await this.addIfEach(change, [{ rowId: null, events }])).size;
  }

  /**
   * addIf for many rows in one statement: `change` (an `UPDATE … RETURNING id`, its
   * parameters $1…$n) changes any number of rows, and each item's events are added only when its
   * row (`rowId`; null: any row) is among those changed, in the items' order. For callers that
   * gather concurrent requests into one round trip (see Coalescer): the events must already carry
   * their request's correlation (withAmbientCorrelation), since the statement runs in another's.
   * Answers the ids changed (as text).
   */
  async addIfEach(
    change: { sql: string; params: unknown[] },
    items: { rowId: string | null; events: EventEnvelope[] }[],
  ): Promise<Set<string>> {
    const n = change.params.length;
    const events = items.flatMap((i) => i.events);
    const rowIds = items.flatMap((i) => i.events.map(() => i.rowId));
    const notify = !this.cache.enabled;
    const rows = await this.tx.queryPrepared<{ id: string | null }>(
      `WITH changed AS (${change.sql}),
            added AS (${this.rowsFrom(n + 1, `$${n + 7}::text[]`)})
       SELECT id::text AS id FROM changed${notify ? ` UNION ALL SELECT NULL FROM (SELECT pg_notify($${n + 8}, '') WHERE EXISTS (SELECT 1 FROM changed)) w` : ''}`,
      [...change.params, ...columns(events), rowIds, ...(notify ? [outboxChannel(this.opts.schema)] : [])],
    );
    const changed = new Set(rows.flatMap((r) => (r.id === null ? [] : [r.id])));
    if (changed.size > 0 && !notify) await this.wakeAfterCommit();
    return changed;
  }

  /**
   * INSERT of the outbox rows from six array parameters starting at $first (see columns()); with
   * `rowIds` (a text[] of the row each event belongs to), only the events whose row (or null: any)
   * is in `changed`, in order.
   */
  private rowsFrom(first: number, rowIds?: string): string {
    const [a, b, c, d, e, f] = [0, 1, 2, 3, 4, 5].map((i) => `$${first + i}`);
    const insert = `INSERT INTO "${this.opts.schema}".outbox (event_id, topic, key, event_type, headers, value)`;
    if (!rowIds)
      return `${insert} SELECT * FROM unnest(${a}::text[], ${b}::text[], ${c}::text[], ${d}::text[], ${e}::jsonb[], ${f}::text[])`;
    return `${insert} SELECT e.event_id, e.topic, e.key, e.event_type, e.headers, e.value
         FROM unnest(${a}::text[], ${b}::text[], ${c}::text[], ${d}::text[], ${e}::jsonb[], ${f}::text[], ${rowIds})
              WITH ORDINALITY AS e(event_id, topic, key, event_type, headers, value, row_id, ord)
        WHERE EXISTS (SELECT 1 FROM changed WHERE e.row_id IS NULL OR changed.id::text = e.row_id)
        ORDER BY e.ord`;
  }

  /**
   * An event that starts a chain (no causation, correlation defaulted to its own id) created while
   * handling an HTTP request or an event joins that request's or event's correlation id.
   */
  withAmbientCorrelation(added: EventEnvelope[]): EventEnvelope[] {
    const ambient = currentLogContext()?.correlationId;
    return ambient
      ? added.map((e) =>
          e.meta.causationId === null && e.meta.correlationId === e.meta.id
            ? { ...e, meta: { ...e.meta, correlationId: ambient } }
            : e,
        )
      : added;
  }

  async backlog(): Promise<number> {
    const [row] = await this.tx.manager.query(`SELECT count(*)::int AS n FROM "${this.opts.schema}".outbox`);
    return row.n;
  }
}

/** The six array parameters of rowsFrom(): ids, topics, keys, types, headers, payloads. */
function columns(events: EventEnvelope[]): string[][] {
  return [
    events.map((e) => e.meta.id),
    events.map((e) => e.topic),
    events.map((e) => e.key),
    events.map((e) => e.meta.type),
    events.map((e) => JSON.stringify(toKafkaHeaders(e.meta))),
    events.map((e) => JSON.stringify(e.payload)),
  ];
}
