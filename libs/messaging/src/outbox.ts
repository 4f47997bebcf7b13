import { EventEnvelope, toKafkaHeaders } from '@ct/contracts';
import { copyValue, currentLogContext, TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { MESSAGING_OPTIONS, MessagingOptions } from './options';
import { OutboxCache, outboxChannel, OutboxRow } from './outbox-cache';

/** From this many events on, Outbox.add writes with COPY instead of one INSERT with array parameters. */
const COPY_THRESHOLD = 100;

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
      await this.tx.manager.query("SELECT pg_notify($1, '')", [outboxChannel(s)]);
    } else {
      await this.insert(events);
    }
  }

  /** The rows and the relay's wake-up in one statement (one round trip per request that emits events). */
  private async insert(events: EventEnvelope[]): Promise<void> {
    const s = this.opts.schema;
    await this.tx.manager.query(
      `WITH added AS (
         INSERT INTO "${s}".outbox (event_id, topic, key, event_type, headers, value)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[]))
       SELECT pg_notify($7, '')`,
      [
        events.map((e) => e.meta.id),
        events.map((e) => e.topic),
        events.map((e) => e.key),
        events.map((e) => e.meta.type),
        events.map((e) => JSON.stringify(toKafkaHeaders(e.meta))),
        events.map((e) => JSON.stringify(e.payload)),
        outboxChannel(s),
      ],
    );
  }

  async backlog(): Promise<number> {
    const [row] = await this.tx.manager.query(`SELECT count(*)::int AS n FROM "${this.opts.schema}".outbox`);
    return row.n;
  }
}
