import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { ConvertPositiveResult } from '../../conversions/convert-positive-result/convert-positive-result';
import { NotificationPlanner } from '../../notifications/plan-notifications/notification-planner';
import { StatusStore } from './status-store';

/**
 * Feeds the person status read model from contacts.v1, quarantine.v1 and testing.v1, and plans the
 * notifications these events cause in the same transaction (KafkaEventServer runs one handler per
 * event type, so the notifier is called from here rather than from a second @HandleEvent).
 */
@Controller()
export class RecordStatusEventsKafkaController {
  constructor(
    private readonly store: StatusStore,
    private readonly conversions: ConvertPositiveResult,
    private readonly notifications: NotificationPlanner,
  ) {}

  @HandleEvent('ContactIdentified')
  async contact(e: EventEnvelope<'ContactIdentified'>): Promise<void> {
    await this.store.contact(e.payload);
  }

  @HandleEvent('QuarantineOrdered')
  async ordered(e: EventEnvelope<'QuarantineOrdered'>): Promise<void> {
    await this.store.quarantineOrdered(e.payload);
    await this.notifications.plan(e);
  }

  @HandleEvent('QuarantineExtended')
  async extended(e: EventEnvelope<'QuarantineExtended'>): Promise<void> {
    await this.store.quarantineExtended(e.payload);
    await this.notifications.plan(e);
  }

  @HandleEvent('QuarantineTransferred')
  async transferred(e: EventEnvelope<'QuarantineTransferred'>): Promise<void> {
    await this.store.quarantineTransferred(e.payload);
    await this.notifications.plan(e);
  }

  @HandleEvent('QuarantineEnded')
  async ended(e: EventEnvelope<'QuarantineEnded'>): Promise<void> {
    await this.store.quarantineEnded(e.payload);
    await this.notifications.plan(e);
  }

  @HandleEvent('TestScheduled')
  async scheduled(e: EventEnvelope<'TestScheduled'>): Promise<void> {
    await this.store.testScheduled(e.payload);
    await this.notifications.plan(e);
  }

  /** Recorded in the read model, and a positive result may confirm a case (same transaction). */
  @HandleEvent('TestResultRecorded')
  async result(e: EventEnvelope<'TestResultRecorded'>): Promise<void> {
    await this.store.testResult(e.payload);
    await this.conversions.run(e);
    await this.notifications.plan(e);
  }
}
