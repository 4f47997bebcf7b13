import { CaseOrigin, TestType } from '@ct/contracts';
import { Command } from '@nestjs/cqrs';

export interface ConfirmedCase {
  caseId: string;
  personId: string;
  status: 'OPEN';
}

export class ConfirmCase extends Command<ConfirmedCase> {
  constructor(
    readonly input: {
      personId: string;
      confirmedAt: string;
      symptomOnsetAt: string | null;
      sampleTakenAt: string | null;
      testType: TestType;
      origin: CaseOrigin;
      areaCode: string;
    },
    readonly correlationId?: string,
  ) {
    super();
  }
}
