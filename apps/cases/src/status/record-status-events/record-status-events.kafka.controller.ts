import { EventEnvelope } from '@ct/contracts';
import { BatchInbox, HandleEvent } from '@ct/messaging';
import { withLogContext } from '@ct/platform';
import { Controller } from '@nestjs/common';
import { ConvertPositiveResult } from '../../conversions/convert-positive-result/convert-positive-result';
import { NotificationPlanner } from '../../notifications/plan-notifications/notification-planner';
import { StatusStore } from './status-store';

/**
 * Feeds the person status read model from contacts.v1, quarantine.v1 and testing.v1 (both in batches), and plans the
 * notifications these events cause in the same transaction (KafkaEventServer runs one handler per
 * event type, so the notifier is called from here rather than from a second @HandleEvent).
 */
@Controller()
export class RecordStatusEventsKafkaController {
  constructor(
    private readonly store: StatusStore,
    private readonly conversions: ConvertPositiveResult,
    private readonly notifications: NotificationPlanner,
    private readonly inbox: BatchInbox,
  ) {}

  @HandleEvent('ContactIdentified')
  async contact(e: EventEnvelope<'ContactIdentified'>): Promise<void> {
    await this.store.contact(e.payload);
  }

  // quarantine.v1 is handled in batches (a super-spreader's thousands of orders arrive together):
  // every handler of a topic in batch mode gets arrays, runs of one type in the partition's order,
  // recorded in the inbox by BatchInbox in the batch's transaction.
  @HandleEvent('QuarantineOrdered', { batch: true })
  async ordered(events: EventEnvelope<'QuarantineOrdered'>[]): Promise<void> {
    const fresh = await this.inbox.fresh(events);
    await this.store.quarantinesOrdered(fresh.map((e) => e.payload));
    await this.notifications.planMany(fresh);
  }

  @HandleEvent('QuarantineExtended', { batch: true })
  async extended(events: EventEnvelope<'QuarantineExtended'>[]): Promise<void> {
    const fresh = await this.inbox.fresh(events);
    for (const e of fresh) await this.store.quarantineExtended(e.payload);
    await this.notifications.planMany(fresh);
  }

  @HandleEvent('QuarantineTransferred', { batch: true })
  async transferred(events: EventEnvelope<'QuarantineTransferred'>[]): Promise<void> {
    const fresh = await this.inbox.fresh(events);
    for (const e of fresh) await this.store.quarantineTransferred(e.payload);
    await this.notifications.planMany(fresh);
  }

  @HandleEvent('QuarantineEnded', { batch: true })
  async ended(events: EventEnvelope<'QuarantineEnded'>[]): Promise<void> {
    const fresh = await this.inbox.fresh(events);
    for (const e of fresh) await this.store.quarantineEnded(e.payload);
    await this.notifications.planMany(fresh);
  }

  // testing.v1 too (a bulk upload's 9,000 results, a super-spreader's tests): one statement for the
  // read model, then a positive may confirm a case (in order, in the batch's transaction), then
  // the notifications of the whole run.
  @HandleEvent('TestScheduled', { batch: true })
  async scheduled(events: EventEnvelope<'TestScheduled'>[]): Promise<void> {
    const fresh = await this.inbox.fresh(events);
    await this.store.testsScheduled(fresh.map((e) => e.payload));
    await this.notifications.planMany(fresh);
  }

  /** Recorded in the read model, and a positive result may confirm a case (same transaction). */
  @HandleEvent('TestResultRecorded', { batch: true })
  async result(events: EventEnvelope<'TestResultRecorded'>[]): Promise<void> {
    const fresh = await this.inbox.fresh(events);
    await this.store.testResults(fresh.map((e) => e.payload));
    for (const e of fresh)
      if (e.payload.result === 'POSITIVE')
        await withLogContext({ correlationId: e.meta.correlationId, eventId: e.meta.id }, () =>
          this.conversions.run(e),
        );
    await this.notifications.planMany(fresh);
  }
}
