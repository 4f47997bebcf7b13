import { createEvent } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { TransactionHost, ServiceClock } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { CasesEnv } from '../../config';
import { PersonsService } from '../../persons/persons.service';
import { checkClose, parseOutcome } from '../domain/case-rules';
import { CaseEntity, caseView } from '../infrastructure/case.entity';
import { CloseCaseRequest } from './close-case.request.dto';
import { CasesErrors } from '../../errors';

/**
 * Closes a case (recovered or deceased) and its investigation; publishes CaseClosed. A recovery
 * is also recorded on the registered person (their profile's recoveredAt, which quarantine rules use).
 */
@Injectable()
export class CloseCaseHandler {
  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    private readonly persons: PersonsService,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) private readonly env: CasesEnv,
  ) {}

  async run(caseId: string, body: CloseCaseRequest) {
    const outcome = parseOutcome(body.outcome);
    if (!outcome)
      throw CasesErrors.caseInvalid('bad outcome', [
        { field: 'outcome', problems: ['outcome must be recovered or deceased'] },
      ]);
    return this.tx.run(async (m) => {
      const c = await m.findOne(CaseEntity, { where: { id: caseId }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw CasesErrors.caseNotFound(caseId);
      const now = this.clock.now();
      checkClose({ caseId, status: c.status, confirmedAt: c.confirmedAt }, body.closedAt, {
        now,
        skewMs: this.env.CASES_CLOCK_SKEW_SECONDS * 1000,
      });
      const closedAt = new Date(body.closedAt);
      await m.update(CaseEntity, { id: caseId }, { status: 'CLOSED', closedAt, outcome, updatedAt: now });
      await m.query(
        `UPDATE cases.investigations SET status = 'closed', closed_at = COALESCE(closed_at, $2), updated_at = $2 WHERE case_id = $1 AND status = 'open'`,
        [caseId, now],
      );
      await this.outbox.add(
        createEvent(
          'CaseClosed',
          { caseId, personId: c.personId, closedAt: closedAt.toISOString(), outcome },
          { source: '/cases' },
        ),
      );
      if (outcome === 'RECOVERED') await this.persons.markRecovered(c.personId, closedAt.toISOString());
      return caseView((await m.findOneBy(CaseEntity, { id: caseId }))!);
    });
  }
}
