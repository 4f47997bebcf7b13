import { TransactionHost } from '@ct/platform';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ContactTracer } from '../../contacts/trace-case/contact-tracer';
import { RecordConfirmedCase } from './record-confirmed-case.command';

/**
 * Records the case and traces it in the same transaction as the inbox record. A case already
 * recorded (the same CaseConfirmed published again under a new event id) is not traced again.
 * Any origin is traced alike, so an F1 or F2 who tests positive (TEST_RESULT) starts a cascade.
 */
@CommandHandler(RecordConfirmedCase)
export class RecordConfirmedCaseHandler implements ICommandHandler<RecordConfirmedCase> {
  constructor(
    private readonly tx: TransactionHost,
    private readonly tracer: ContactTracer,
  ) {}

  async execute({ payload: p, cause }: RecordConfirmedCase): Promise<void> {
    const inserted: unknown[] = await this.tx.manager.query(
      `INSERT INTO tracing.traced_cases (case_id, person_id, confirmed_at, symptom_onset_at, sample_taken_at, origin, area_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING case_id`,
      [
        p.caseId,
        p.personId,
        new Date(p.confirmedAt),
        p.symptomOnsetAt ? new Date(p.symptomOnsetAt) : null,
        p.sampleTakenAt ? new Date(p.sampleTakenAt) : null,
        p.origin,
        p.areaCode,
      ],
    );
    if (inserted.length === 0) return;
    await this.tracer.traceCase(
      {
        caseId: p.caseId,
        personId: p.personId,
        confirmedAt: Date.parse(p.confirmedAt),
        symptomOnsetAt: p.symptomOnsetAt ? Date.parse(p.symptomOnsetAt) : null,
        sampleTakenAt: p.sampleTakenAt ? Date.parse(p.sampleTakenAt) : null,
      },
      cause,
    );
  }
}
