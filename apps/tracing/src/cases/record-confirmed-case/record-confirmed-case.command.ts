import { CaseConfirmed } from '@ct/contracts';
import { Command } from '@nestjs/cqrs';
import { Cause } from '../../contacts/trace-case/contact-tracer';

export class RecordConfirmedCase extends Command<void> {
  constructor(
    readonly payload: CaseConfirmed,
    readonly cause: Cause,
  ) {
    super();
  }
}
