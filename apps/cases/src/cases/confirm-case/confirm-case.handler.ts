import { createEvent } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { DomainError, TransactionHost } from '@ct/platform';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CaseEntity } from '../infrastructure/case.entity';
import { ConfirmCase, ConfirmedCase } from './confirm-case.command';

@CommandHandler(ConfirmCase)
export class ConfirmCaseHandler implements ICommandHandler<ConfirmCase, ConfirmedCase> {
  constructor(private readonly tx: TransactionHost, private readonly outbox: Outbox) {}

  async execute({ input, correlationId }: ConfirmCase): Promise<ConfirmedCase> {
    return this.tx.run(async (m) => {
      const open = await m.findOne(CaseEntity, { where: { personId: input.personId, status: 'OPEN' } });
      if (open) {
        throw new DomainError('CASE.ALREADY_OPEN', 'this person already has an open case', 'conflict', { caseId: open.id });
      }
      const id = randomUUID();
      await m.insert(CaseEntity, {
        id,
        personId: input.personId,
        confirmedAt: new Date(input.confirmedAt),
        symptomOnsetAt: input.symptomOnsetAt ? new Date(input.symptomOnsetAt) : null,
        sampleTakenAt: input.sampleTakenAt ? new Date(input.sampleTakenAt) : null,
        testType: input.testType,
        origin: input.origin,
        areaCode: input.areaCode,
        status: 'OPEN',
      });
      await this.outbox.add(
        createEvent(
          'CaseConfirmed',
          {
            caseId: id,
            personId: input.personId,
            confirmedAt: new Date(input.confirmedAt).toISOString(),
            symptomOnsetAt: input.symptomOnsetAt ? new Date(input.symptomOnsetAt).toISOString() : null,
            sampleTakenAt: input.sampleTakenAt ? new Date(input.sampleTakenAt).toISOString() : null,
            testType: input.testType,
            origin: input.origin,
            areaCode: input.areaCode,
          },
          { source: '/cases', correlationId },
        ),
      );
      return { caseId: id, personId: input.personId, status: 'OPEN' };
    });
  }
}
