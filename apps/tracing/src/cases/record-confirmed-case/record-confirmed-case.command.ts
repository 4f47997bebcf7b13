import { CaseConfirmed } from '@ct/contracts';
import { Command } from '@nestjs/cqrs';

export class RecordConfirmedCase extends Command<void> {
  constructor(readonly payload: CaseConfirmed) {
    super();
  }
}
