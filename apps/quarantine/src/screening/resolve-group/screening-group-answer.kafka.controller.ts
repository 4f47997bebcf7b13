import { EventEnvelope } from '@ct/contracts';
import { BatchOutcome, HandleEvent } from '@ct/messaging';
import { ServiceClock } from '@ct/platform';
import { Controller } from '@nestjs/common';
import { ScreeningRequestStore } from '../infrastructure/screening-request.store';
import { ScreeningStore } from '../infrastructure/screening.store';
import { ScreeningRoundsJob } from '../run-rounds/screening-rounds.job';

/**
 * Tracing's answer to a VENUES plan's round (ScreeningGroupResolved on contacts.v1, key planId).
 * Batched because quarantine takes contacts.v1 in batches (ContactIdentified); idempotent by the
 * answer's own keys instead of the inbox: each (request, batch) is kept once, and the round is made
 * once, when the last missing batch arrives (whatever their order), under the plan's row lock like
 * the rounds job. An answer to no request of this service is dead-lettered with the reason.
 */
@Controller()
export class ScreeningGroupAnswerKafkaController {
  constructor(
    private readonly store: ScreeningStore,
    private readonly requests: ScreeningRequestStore,
    private readonly rounds: ScreeningRoundsJob,
    private readonly clock: ServiceClock,
  ) {}

  @HandleEvent('ScreeningGroupResolved', { batch: true })
  async onAnswers(events: EventEnvelope<'ScreeningGroupResolved'>[]): Promise<BatchOutcome> {
    const rejected: NonNullable<BatchOutcome['rejected']> = [];
    for (const e of events) {
      const p = e.payload;
      const plan = await this.store.plan(p.planId, true);
      const req = await this.requests.request(p.requestId);
      if (!plan || !req || req.planId !== p.planId || req.round !== p.round) {
        rejected.push({
          event: e,
          reason: 'the answer names no screening group request of this plan and round',
          fields: [{ field: 'requestId', problems: ['no such request for this planId and round'] }],
        });
        continue;
      }
      if (p.batch >= p.batches) {
        rejected.push({
          event: e,
          reason: 'batch must be below batches',
          fields: [{ field: 'batch', problems: ['batch must be below batches'] }],
        });
        continue;
      }
      if (req.resolvedAt) continue; // answered in full already: a batch sent again
      const now = this.clock.now();
      const { fresh, received } = await this.requests.addAnswerBatch(
        req,
        p.batch,
        p.batches,
        p.truncated,
        p.personIds,
        now,
      );
      if (!fresh || received < p.batches) continue;
      const group = await this.requests.resolveRound(req, now);
      await this.rounds.scheduleRound(plan, req.round, req.dueOn, group, now, {
        correlationId: e.meta.correlationId,
        causationId: e.meta.id,
      });
    }
    return { rejected };
  }
}
