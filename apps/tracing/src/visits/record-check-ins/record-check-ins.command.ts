import { EventEnvelope } from '@ct/contracts';
import { Command } from '@nestjs/cqrs';
import { BatchOutcome } from '@ct/messaging';

/** Store a batch of check-ins (one Kafka fetch of one partition) in the visit store. */
export class RecordCheckIns extends Command<BatchOutcome> {
  constructor(readonly events: EventEnvelope<'CheckInRecorded'>[]) {
    super();
  }
}
