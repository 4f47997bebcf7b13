import { CheckInRecorded, createEvent, EventEnvelope, validatePayload } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { withDefaults } from '../domain/intake';
import { ItemError, SubmitCheckIns, SubmitCheckInsResult } from './submit-check-ins.command';

/**
 * Validates every item against the CheckInRecorded contract and publishes the valid ones in one
 * producer batch (idempotent producer, acks=all). The gateway keeps no state: this is the one
 * place where publishing directly, without an outbox, is right. 202 means the broker has them.
 */
const PUBLISH_SLICE = 1000;

@CommandHandler(SubmitCheckIns)
export class SubmitCheckInsHandler implements ICommandHandler<SubmitCheckIns> {
  private readonly log = new Logger(SubmitCheckInsHandler.name);

  constructor(private readonly publisher: EventPublisher) {}

  async execute({ items, unreadable, feed }: SubmitCheckIns): Promise<SubmitCheckInsResult> {
    const errors: ItemError[] = [];
    const events: EventEnvelope<'CheckInRecorded'>[] = [];
    items.forEach((raw, index) => {
      const line = unreadable.get(index);
      if (line !== undefined) {
        errors.push({ index, fields: [{ field: '(item)', problems: [line] }] });
        return;
      }
      const item = withDefaults(raw, feed);
      let fields = validatePayload('CheckInRecorded', item);
      // No checkInId could be derived because of another bad field: report that field only.
      if (fields.length > 1 && (raw as { checkInId?: unknown } | null)?.checkInId == null)
        fields = fields.filter((f) => f.field !== 'checkInId');
      if (fields.length > 0) {
        errors.push({
          index,
          fields: fields.map((f) =>
            f.field === '(value)' ? { ...f, field: '(item)', problems: ['item must be a JSON object'] } : f,
          ),
        });
        return;
      }
      events.push(createEvent('CheckInRecorded', item as CheckInRecorded, { source: '/checkin-gateway' }));
    });
    if (events.length > 0) {
      let sent = 0;
      try {
        // In slices: one venue's check-ins share a partition, and one produce request per partition
        // must stay under the broker's message.max.bytes (1 MB by default).
        for (; sent < events.length; sent += PUBLISH_SLICE)
          await this.publisher.publish(events.slice(sent, sent + PUBLISH_SLICE));
      } catch (err) {
        this.log.error(`publishing check-ins failed after ${sent} of ${events.length}: ${(err as Error).message}`);
        throw new ServiceUnavailableException(
          'the event broker did not take all the check-ins; retry the whole request (check-ins are idempotent by checkInId, a retry never duplicates a stay)',
        );
      }
    }
    if (errors.length > 0) this.log.warn(`check-in intake: ${errors.length} of ${items.length} items rejected`);
    return { accepted: events.length, rejected: errors.length, errors };
  }
}
