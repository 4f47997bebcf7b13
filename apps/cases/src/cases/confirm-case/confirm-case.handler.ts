import { createEvent } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { TransactionHost, ServiceClock } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { AreaCatalog } from '@ct/platform';
import { CasesEnv } from '../../config';
import { PersonStore } from '../../persons/infrastructure/person-store';
import { checkCaseInput } from '../domain/case-rules';
import { CaseEntity } from '../infrastructure/case.entity';
import { ConfirmCase, ConfirmedCase } from './confirm-case.command';
import { CasesErrors } from '../../errors';

/**
 * Confirms a case (F0) and opens its investigation; CaseConfirmed goes out through the outbox in
 * the same transaction. A person registered here gives the default area; a person known only by
 * their app account id (not registered) needs areaCode.
 */
@CommandHandler(ConfirmCase)
export class ConfirmCaseHandler implements ICommandHandler<ConfirmCase, ConfirmedCase> {
  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    private readonly persons: PersonStore,
    private readonly areas: AreaCatalog,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) private readonly env: CasesEnv,
  ) {}

  async execute({ input, meta }: ConfirmCase): Promise<ConfirmedCase> {
    return this.tx.run(async (m) => {
      const person = await this.persons.find(input.personId);
      const areaCode = input.areaCode ?? person?.areaCode;
      if (areaCode === undefined) {
        throw CasesErrors.personNotFound(input.personId, {
          hint: '; register them or give areaCode',
          details: { personId: input.personId },
        });
      }
      const now = this.clock.now();
      const full = { ...input, areaCode };
      checkCaseInput(full, { now, skewMs: this.env.CASES_CLOCK_SKEW_SECONDS * 1000, areas: this.areas });

      const open = await m.findOne(CaseEntity, { where: { personId: input.personId, status: 'OPEN' } });
      if (open) {
        throw CasesErrors.caseAlreadyOpen(open.id);
      }
      const id = randomUUID();
      const iso = (v: string | null) => (v ? new Date(v).toISOString() : null);
      await m.insert(CaseEntity, {
        id,
        personId: input.personId,
        confirmedAt: new Date(input.confirmedAt),
        symptomOnsetAt: input.symptomOnsetAt ? new Date(input.symptomOnsetAt) : null,
        sampleTakenAt: input.sampleTakenAt ? new Date(input.sampleTakenAt) : null,
        testType: input.testType,
        origin: input.origin,
        areaCode,
        status: 'OPEN',
        sourceTestId: input.sourceTestId ?? null,
        updatedAt: now,
      });
      await m.query(
        `INSERT INTO cases.investigations (case_id, status, opened_at, updated_at) VALUES ($1, 'open', $2, $2)`,
        [id, now],
      );
      await this.outbox.add(
        createEvent(
          'CaseConfirmed',
          {
            caseId: id,
            personId: input.personId,
            confirmedAt: new Date(input.confirmedAt).toISOString(),
            symptomOnsetAt: iso(input.symptomOnsetAt),
            sampleTakenAt: iso(input.sampleTakenAt),
            testType: input.testType,
            origin: input.origin,
            areaCode,
            sourceTestId: input.sourceTestId ?? null,
          },
          { source: '/cases', correlationId: meta.correlationId, causationId: meta.causationId },
        ),
      );
      return { caseId: id, personId: input.personId, status: 'OPEN', areaCode };
    });
  }
}
