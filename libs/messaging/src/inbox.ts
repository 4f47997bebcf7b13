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
