import { EventEnvelope } from '@ct/contracts';
import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/** The consumer name the service's inbox records are kept under (its consumer group). */
const CONSUMER = 'cases';

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
      `INSERT INTO cases.inbox (consumer, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [CONSUMER, events.map((e) => e.meta.id)],
    );
    const ids = new Set(rows.map((r) => r.event_id));
    return events.filter((e) => ids.delete(e.meta.id));
  }
}
