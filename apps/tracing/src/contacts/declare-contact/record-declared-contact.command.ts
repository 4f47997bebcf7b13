import { ContactDeclared } from '@ct/contracts';
import { Command } from '@nestjs/cqrs';
import { Cause } from '../trace-case/contact-tracer';

export class RecordDeclaredContact extends Command<void> {
  constructor(
    readonly payload: ContactDeclared,
    readonly cause: Cause,
  ) {
    super();
  }
}
