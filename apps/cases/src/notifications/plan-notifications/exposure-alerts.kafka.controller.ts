import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { NotificationPlanner } from './notification-planner';

/**
 * Exposure alerts (contacts.v1): a visitor of a case's exposure site who is no contact of it gets
 * one app message per event (the inbox skips a redelivery; the (event, channel, person) key a
 * second planning). The person is known by their app account id only: nothing is stored about them.
 */
@Controller()
export class ExposureAlertsKafkaController {
  constructor(private readonly notifications: NotificationPlanner) {}

  @HandleEvent('ExposureSiteVisitorIdentified')
  async visitor(e: EventEnvelope<'ExposureSiteVisitorIdentified'>): Promise<void> {
    await this.notifications.plan(e);
  }
}
