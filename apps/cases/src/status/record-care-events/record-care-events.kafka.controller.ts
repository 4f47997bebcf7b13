import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { NotificationPlanner } from '../../notifications/plan-notifications/notification-planner';
import { CareStatusStore } from './care-status-store';

/**
 * Feeds the care part of the person status read model from care.v1 (issue 16), and plans the
 * isolation notices (order with its place, first day, planned end and test days; transfer; release)
 * in the same transaction. KafkaEventServer runs one handler per event type, so the notifier is
 * called from here, as record-status-events does for quarantine.v1.
 */
@Controller()
export class RecordCareEventsKafkaController {
  constructor(
    private readonly store: CareStatusStore,
    private readonly notifications: NotificationPlanner,
  ) {}

  @HandleEvent('IsolationOrdered')
  async ordered(e: EventEnvelope<'IsolationOrdered'>): Promise<void> {
    await this.store.ordered(e.payload);
    await this.notifications.plan(e);
  }

  @HandleEvent('IsolationTransferred')
  async transferred(e: EventEnvelope<'IsolationTransferred'>): Promise<void> {
    await this.store.transferred(e.payload);
    await this.notifications.plan(e);
  }

  @HandleEvent('IsolationEnded')
  async ended(e: EventEnvelope<'IsolationEnded'>): Promise<void> {
    await this.store.ended(e.payload);
    await this.notifications.plan(e);
  }

  @HandleEvent('HealthCheckRecorded')
  async check(e: EventEnvelope<'HealthCheckRecorded'>): Promise<void> {
    await this.store.check(e.payload);
  }

  @HandleEvent('FollowUpMissed')
  async missed(e: EventEnvelope<'FollowUpMissed'>): Promise<void> {
    await this.store.missed(e.payload);
  }

  @HandleEvent('CareEscalated')
  async escalated(e: EventEnvelope<'CareEscalated'>): Promise<void> {
    await this.store.escalated(e.payload);
  }
}
