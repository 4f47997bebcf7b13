import { CaseConfirmed } from '@ct/contracts';
import { Command } from '@nestjs/cqrs';
import { Cause } from '../../contacts/domain/contact-id';

export class RecordConfirmedCase extends Command<void> {
  constructor(
    readonly payload: CaseConfirmed,
    readonly cause: Cause,
  ) {
    super();
  }
}
