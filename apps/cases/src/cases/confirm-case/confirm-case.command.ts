import { CaseOrigin, TestType } from '@ct/contracts';
import { Command } from '@nestjs/cqrs';

export interface ConfirmedCase {
  caseId: string;
  personId: string;
  status: 'OPEN';
  areaCode: string;
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
      /** Defaults to the registered person's area. */
      areaCode?: string;
      /** The positive test that confirmed the case (conversions). */
      sourceTestId?: string;
    },
    readonly meta: { correlationId?: string; causationId?: string } = {},
  ) {
    super();
  }
}
