import { EventEnvelope } from '@ct/contracts';
import { withLogContext } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { Inbox } from './inbox';
import { MESSAGING_OPTIONS, MessagingOptions } from './options';

/**
 * The inbox of batch handlers (which get none from the transport): records the batch's event ids
 * in one statement (Inbox.recordMany), in the handler's transaction, under the service's consumer
 * group (the name the transport records single events under), and returns the events not handled
 * before, in their order and once each (a redelivered event, or one twice in a batch, is left out).
 */
@Injectable()
export class BatchInbox {
  constructor(
    private readonly inbox: Inbox,
    @Inject(MESSAGING_OPTIONS) private readonly opts: Pick<MessagingOptions, 'service'>,
  ) {}

  async fresh<E extends EventEnvelope>(events: E[]): Promise<E[]> {
    const ids = new Set(
      await this.inbox.recordMany(
        this.opts.service,
        events.map((e) => e.meta.id),
      ),
    );
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
