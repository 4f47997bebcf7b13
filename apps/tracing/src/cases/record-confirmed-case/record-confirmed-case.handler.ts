import { TransactionHost } from '@ct/platform';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TracedCaseEntity } from '../infrastructure/traced-case.entity';
import { RecordConfirmedCase } from './record-confirmed-case.command';

@CommandHandler(RecordConfirmedCase)
export class RecordConfirmedCaseHandler implements ICommandHandler<RecordConfirmedCase> {
  constructor(private readonly tx: TransactionHost) {}

  async execute({ payload: p }: RecordConfirmedCase): Promise<void> {
    await this.tx.manager
      .createQueryBuilder()
      .insert()
      .into(TracedCaseEntity)
      .values({
        caseId: p.caseId,
        personId: p.personId,
        confirmedAt: new Date(p.confirmedAt),
        symptomOnsetAt: p.symptomOnsetAt ? new Date(p.symptomOnsetAt) : null,
        sampleTakenAt: p.sampleTakenAt ? new Date(p.sampleTakenAt) : null,
        origin: p.origin,
        areaCode: p.areaCode,
      })
      .orIgnore()
      .execute();
  }
}
