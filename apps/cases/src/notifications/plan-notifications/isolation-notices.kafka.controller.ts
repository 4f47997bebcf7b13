import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { NotificationPlanner } from './notification-planner';

/**
 * A case's isolation (care.v1, produced by quarantine): the order with its place, first day, planned
 * end and test days, a transfer, the release. One message per (event, channel, person); the inbox
 * skips a redelivery.
 */
@Controller()
export class IsolationNoticesKafkaController {
  constructor(private readonly notifications: NotificationPlanner) {}

  @HandleEvent('IsolationOrdered')
  async ordered(e: EventEnvelope<'IsolationOrdered'>): Promise<void> {
    await this.notifications.plan(e);
  }

  @HandleEvent('IsolationTransferred')
  async transferred(e: EventEnvelope<'IsolationTransferred'>): Promise<void> {
    await this.notifications.plan(e);
  }

  @HandleEvent('IsolationEnded')
  async ended(e: EventEnvelope<'IsolationEnded'>): Promise<void> {
    await this.notifications.plan(e);
  }
}
