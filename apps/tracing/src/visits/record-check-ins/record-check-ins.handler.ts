import { BatchOutcome } from '@ct/messaging';
import { TransactionHost, ServiceClock } from '@ct/platform';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { LateDataStore } from '../../contacts/late-data/late-data.store';
import { RetraceSignal } from '../../contacts/late-data/retrace-signal';
import { planBatch, VisitPolicy } from '../domain/visit-policy';
import { VisitStore } from '../infrastructure/visit-store';
import { VISIT_POLICY } from '../visits.tokens';
import { RecordCheckIns } from './record-check-ins.command';

/**
 * One batch → one statement. Refused check-ins (in the future beyond the clock skew, older than
 * retention) are returned so the transport dead-letters them with the reason; the rest is written.
 * Once the batch has committed (and before its offset is), its stays are matched against the
 * traced cases and the tracings in progress: a late stay asks for a retrace of the cases it can
 * change (LateDataStore.matchStays). A failure there fails the batch, which is delivered again.
 */
@CommandHandler(RecordCheckIns)
export class RecordCheckInsHandler implements ICommandHandler<RecordCheckIns> {
  private readonly log = new Logger(RecordCheckInsHandler.name);

  constructor(
    private readonly store: VisitStore,
    private readonly tx: TransactionHost,
    private readonly late: LateDataStore,
    private readonly signal: RetraceSignal,
    private readonly clock: ServiceClock,
    @Inject(VISIT_POLICY) private readonly policy: VisitPolicy,
  ) {}

  async execute({ events }: RecordCheckIns): Promise<BatchOutcome> {
    const plan = planBatch(events, (e) => e.payload, this.clock.now(), this.policy);
    await this.store.ensurePartitions(plan.days);
    await this.store.upsert(plan.rows, this.policy.defaultStayMinutes);
    const stayMs = this.policy.defaultStayMinutes * 60_000;
    const stays = plan.rows.map((r) => {
      const start = Date.parse(r.checkedInAt);
      // A check-out may shorten a stay that counted the default length until now: both are matched.
      return {
        personId: r.personId,
        venueId: r.venueId,
        start,
        end: Math.max(r.checkedOutAt ? Date.parse(r.checkedOutAt) : 0, start + stayMs),
      };
    });
    await this.tx.afterCommit(async () => {
      const cases = await this.late.matchStays(stays);
      if (cases.length === 0) return;
      this.log.log(`late check-ins: retrace asked for ${cases.length} case(s)`);
      this.signal.kick();
    });
    this.log.debug(
      `stored ${plan.rows.length} stays from ${events.length} check-ins (${plan.rejected.length} refused)`,
    );
    return { rejected: plan.rejected.map((r) => ({ event: r.item, reason: r.reason, fields: r.fields })) };
  }
}
