import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RecordConfirmedCase } from './record-confirmed-case.command';

@Controller()
export class RecordConfirmedCaseKafkaController {
  constructor(private readonly commands: CommandBus) {}

  @HandleEvent('CaseConfirmed')
  async onCaseConfirmed(event: EventEnvelope<'CaseConfirmed'>): Promise<void> {
    await this.commands.execute(
      new RecordConfirmedCase(event.payload, { eventId: event.meta.id, correlationId: event.meta.correlationId }),
    );
  }
}
