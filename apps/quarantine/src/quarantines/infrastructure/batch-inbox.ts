import { EventEnvelope } from '@ct/contracts';
import { TransactionHost, withLogContext } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/** The consumer name the service's inbox records are kept under (its consumer group). */
const CONSUMER = 'quarantine';

/**
 * The inbox of batch handlers (which get none from the transport): records the batch's event ids
 * in one statement, in the handler's transaction, and returns the events not handled before, in
 * their order and once each (a redelivered event, or one twice in a batch, is left out).
 */
@Injectable()
export class BatchInbox {
  constructor(private readonly tx: TransactionHost) {}

  async fresh<E extends EventEnvelope>(events: E[]): Promise<E[]> {
    if (events.length === 0) return [];
    const rows: { event_id: string }[] = await this.tx.manager.query(
      `INSERT INTO quarantine.inbox (consumer, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [CONSUMER, events.map((e) => e.meta.id)],
    );
    const ids = new Set(rows.map((r) => r.event_id));
    return events.filter((e) => ids.delete(e.meta.id));
  }

  /**
   * For a handler that keeps deciding one event at a time on a topic in batch mode (every handler
   * of such a topic gets arrays): the fresh events, each handled in turn in the batch's
   * transaction under its own log context (correlation id), as the transport does for single events.
   */
  async eachFresh<E extends EventEnvelope>(events: E[], handle: (e: E) => Promise<void>): Promise<void> {
    for (const e of await this.fresh(events))
      await withLogContext({ correlationId: e.meta.correlationId, eventId: e.meta.id }, () => handle(e));
  }
}
