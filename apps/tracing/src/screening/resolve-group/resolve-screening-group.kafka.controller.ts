import { createEvent, EventEnvelope, SCREENING_GROUP_BATCH } from '@ct/contracts';
import { HandleEvent, Outbox } from '@ct/messaging';
import { ServiceClock } from '@ct/platform';
import { Controller } from '@nestjs/common';
import { ScreeningGroupQueries } from '../infrastructure/screening-group.queries';
import { VenueCategoryStore } from '../infrastructure/venue-category.store';

/** Most people tracing answers for one group (quarantine's largest screening group). */
export const MAX_SCREENING_GROUP = 50_000;

/**
 * Issue 18: answers a screening plan's ScreeningGroupRequested (testing.v1, from quarantine) with
 * the people who checked in at the venues named, or at venues of the categories named, in
 * [since, until), from the visit store (what retention still holds). The answer goes through the
 * outbox in the inbox transaction, so a redelivered request is answered once; batches of
 * SCREENING_GROUP_BATCH ids keep each message small.
 */
@Controller()
export class ResolveScreeningGroupKafkaController {
  constructor(
    private readonly venues: VenueCategoryStore,
    private readonly queries: ScreeningGroupQueries,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
  ) {}

  @HandleEvent('ScreeningGroupRequested')
  async onRequest(e: EventEnvelope<'ScreeningGroupRequested'>): Promise<void> {
    const r = e.payload;
    const venueIds = [...new Set([...r.venueIds, ...(await this.venues.venuesOf(r.venueCategories))])];
    const found = await this.queries.visitors(venueIds, new Date(r.since), new Date(r.until), MAX_SCREENING_GROUP);
    const truncated = found.length > MAX_SCREENING_GROUP;
    const people = truncated ? found.slice(0, MAX_SCREENING_GROUP) : found;
    const batches = Math.max(1, Math.ceil(people.length / SCREENING_GROUP_BATCH));
    const resolvedAt = this.clock.now().toISOString();
    await this.outbox.add(
      ...Array.from({ length: batches }, (_, batch) =>
        createEvent(
          'ScreeningGroupResolved',
          {
            requestId: r.requestId,
            planId: r.planId,
            round: r.round,
            batch,
            batches,
            personIds: people.slice(batch * SCREENING_GROUP_BATCH, (batch + 1) * SCREENING_GROUP_BATCH),
            truncated,
            resolvedAt,
          },
          { source: '/tracing', time: resolvedAt, correlationId: e.meta.correlationId, causationId: e.meta.id },
        ),
      ),
    );
  }
}
