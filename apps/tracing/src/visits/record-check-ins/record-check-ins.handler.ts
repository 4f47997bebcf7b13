import { BatchOutcome } from '@ct/messaging';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../domain/clock';
import { planBatch, VisitPolicy } from '../domain/visit-policy';
import { VisitStore } from '../infrastructure/visit-store';
import { VISIT_POLICY, VISITS_CLOCK } from '../visits.tokens';
import { RecordCheckIns } from './record-check-ins.command';

/**
 * One batch → one statement. Refused check-ins (in the future beyond the clock skew, older than
 * retention) are returned so the transport dead-letters them with the reason; the rest is written.
 */
@CommandHandler(RecordCheckIns)
export class RecordCheckInsHandler implements ICommandHandler<RecordCheckIns> {
  private readonly log = new Logger(RecordCheckInsHandler.name);

  constructor(
    private readonly store: VisitStore,
    @Inject(VISITS_CLOCK) private readonly clock: Clock,
    @Inject(VISIT_POLICY) private readonly policy: VisitPolicy,
  ) {}

  async execute({ events }: RecordCheckIns): Promise<BatchOutcome> {
    const plan = planBatch(events, (e) => e.payload, this.clock.now(), this.policy);
    await this.store.ensurePartitions(plan.days);
    await this.store.upsert(plan.rows, this.policy.defaultStayMinutes);
    this.log.debug(`stored ${plan.rows.length} stays from ${events.length} check-ins (${plan.rejected.length} refused)`);
    return { rejected: plan.rejected.map((r) => ({ event: r.item, reason: r.reason, fields: r.fields })) };
  }
}
