import { EventEnvelope } from '@ct/contracts';
import { UnprocessableEvent } from '@ct/messaging';
import { DomainError, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ConfirmCase } from '../../cases/confirm-case/confirm-case.command';
import { CasesEnv } from '../../config';
import { PersonStore } from '../../persons/infrastructure/person-store';

/**
 * Where the cascade F1 → F0 enters: a positive result for a person without an open case confirms
 * a case (origin SCREENING for screening tests, else TEST_RESULT; sourceTestId = the test). The
 * inbox skips a redelivered event; the unique source_test_id makes a re-sent result (new event id,
 * same test) a no-op too.
 */
@Injectable()
export class ConvertPositiveResult {
  private readonly logger = new Logger(ConvertPositiveResult.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly commands: CommandBus,
    private readonly persons: PersonStore,
    @Inject(SERVICE_ENV) private readonly env: CasesEnv,
  ) {}

  async run(event: EventEnvelope<'TestResultRecorded'>): Promise<void> {
    const t = event.payload;
    if (t.result !== 'POSITIVE') return;
    const m = this.tx.manager;
    const [byTest] = await m.query('SELECT id FROM cases.cases WHERE source_test_id = $1', [t.testId]);
    if (byTest) return;
    const [open] = await m.query(`SELECT id FROM cases.cases WHERE person_id = $1 AND status = 'OPEN'`, [t.personId]);
    if (open) {
      this.logger.log(`positive test ${t.testId} for a person with open case ${open.id}: no new case`);
      return;
    }
    const person = await this.persons.find(t.personId);
    const sampleTakenAt = new Date(t.sampleTakenAt) <= new Date(t.recordedAt) ? t.sampleTakenAt : null;
    try {
      const created = await this.commands.execute(
        new ConfirmCase(
          {
            personId: t.personId,
            confirmedAt: t.recordedAt,
            symptomOnsetAt: null,
            sampleTakenAt,
            testType: t.testType,
            origin: t.purpose === 'SCREENING' ? 'SCREENING' : 'TEST_RESULT',
            areaCode: person?.areaCode ?? this.env.CASES_DEFAULT_AREA_CODE,
            sourceTestId: t.testId,
          },
          { correlationId: event.meta.correlationId, causationId: event.meta.id },
        ),
      );
      this.logger.log(`positive test ${t.testId} confirmed case ${created.caseId}`);
    } catch (err) {
      // A result that breaks the case rules (e.g. recorded in the future) can never become a case: dead-letter it.
      if (err instanceof DomainError && err.kind === 'invalid') {
        const fields = (err.details.details as { field: string; problems: string[] }[] | undefined) ?? [];
        const why = fields.flatMap((f) => f.problems).join('; ') || err.message;
        throw new UnprocessableEvent(`positive result cannot become a case: ${why}`, fields);
      }
      throw err;
    }
  }
}
