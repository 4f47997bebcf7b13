import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RecordDeclaredContact } from './record-declared-contact.command';

@Controller()
export class RecordDeclaredContactKafkaController {
  constructor(private readonly commands: CommandBus) {}

  @HandleEvent('ContactDeclared')
  async onContactDeclared(event: EventEnvelope<'ContactDeclared'>): Promise<void> {
    await this.commands.execute(
      new RecordDeclaredContact(event.payload, { eventId: event.meta.id, correlationId: event.meta.correlationId }),
    );
  }
}
