import { ContactDeclared } from '@ct/contracts';
import { Command } from '@nestjs/cqrs';
import { Cause } from '../domain/contact-id';

export class RecordDeclaredContact extends Command<void> {
  constructor(
    readonly payload: ContactDeclared,
    readonly cause: Cause,
  ) {
    super();
  }
}
