import { TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { MESSAGING_OPTIONS, MessagingOptions } from './options';

/** Handled event ids, written in the transaction of the handler's effect. */
@Injectable()
export class Inbox {
  constructor(
    private readonly tx: TransactionHost,
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions,
  ) {}

  /** Records the event as handled by `consumer`; false when it already was (a redelivery). */
  async record(consumer: string, eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(
      `INSERT INTO "${this.opts.schema}".inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [consumer, eventId],
    );
    return rows.length === 1;
  }

  /**
   * Records many events as handled by `consumer` in one statement (a batch handler's inbox) and
   * returns the ids not recorded before, in their order and once each: an id recorded before, or
   * earlier in the list, is left out.
   */
  async recordMany(consumer: string, eventIds: readonly string[]): Promise<string[]> {
    if (eventIds.length === 0) return [];
    const rows: { event_id: string }[] = await this.tx.manager.query(
      `INSERT INTO "${this.opts.schema}".inbox (consumer, event_id) SELECT $1, unnest($2::text[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, eventIds],
    );
    const fresh = new Set(rows.map((r) => r.event_id));
    return eventIds.filter((id) => fresh.delete(id));
  }

  /** True when `consumer` recorded `eventId` (outside any transaction: a dead letter's ledger). */
  async has(consumer: string, eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.dataSource.query(
      `SELECT 1 FROM "${this.opts.schema}".inbox WHERE consumer = $1 AND event_id = $2`,
      [consumer, eventId],
    );
    return rows.length === 1;
  }

  /** Records `eventId` for `consumer` at once, in its own statement (a dead letter's ledger). */
  async recordNow(consumer: string, eventId: string): Promise<void> {
    await this.tx.dataSource.query(
      `INSERT INTO "${this.opts.schema}".inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [consumer, eventId],
    );
  }
}
