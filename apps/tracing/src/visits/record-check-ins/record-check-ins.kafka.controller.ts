import { EventEnvelope } from '@ct/contracts';
import { BatchOutcome, HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RecordCheckIns } from './record-check-ins.command';

/** checkins.v1 in batches: every fetched batch of a partition is written with one statement. */
@Controller()
export class RecordCheckInsKafkaController {
  constructor(private readonly commands: CommandBus) {}

  @HandleEvent('CheckInRecorded', { batch: true })
  async onCheckIns(events: EventEnvelope<'CheckInRecorded'>[]): Promise<BatchOutcome> {
    return this.commands.execute(new RecordCheckIns(events));
  }
}
