import { EventEnvelope } from '@ct/contracts';
import { TransactionHost, ServiceClock } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { Channels } from '../channels/channels';
import { NotificationDispatcher } from '../dispatch-notifications/notification-dispatcher.job';
import { minutesOf, parseQuietHours } from '../domain/local-time';
import * as plan from '../domain/plan';
import { DeliveryStore } from '../infrastructure/delivery-store';
import { NotificationMetrics } from '../notification-metrics';
import { NotifyEnv } from '../notify.config';

/** The events that tell a person something. */
export type NotifyingEvent = EventEnvelope<
  | 'QuarantineOrdered'
  | 'QuarantineExtended'
  | 'QuarantineTransferred'
  | 'QuarantineEnded'
  | 'TestScheduled'
  | 'TestResultRecorded'
  | 'ExposureSiteVisitorIdentified'
>;

/**
 * Turns an event into delivery rows, one per enabled channel the person can be reached by and has
 * not opted out of, in the transaction of the event's inbox record (a redelivered event is skipped
 * by the inbox; the unique (event, channel, person) key makes a second planning a no-op anyway).
 * The dispatcher is woken once the transaction has committed.
 */
@Injectable()
export class NotificationPlanner {
  private readonly quiet;
  private readonly reminderMinute: number;

  constructor(
    private readonly tx: TransactionHost,
    private readonly store: DeliveryStore,
    private readonly channels: Channels,
    private readonly dispatcher: NotificationDispatcher,
    private readonly metrics: NotificationMetrics,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) env: NotifyEnv,
  ) {
    this.quiet = parseQuietHours(env.NOTIFY_QUIET_HOURS);
    this.reminderMinute = minutesOf(env.NOTIFY_REMINDER_TIME);
  }

  async plan(e: NotifyingEvent): Promise<void> {
    const now = this.clock.now();
    const message = this.messageOf(e, now);
    if (e.meta.type === 'QuarantineEnded') {
      await this.store.cancelReminders((e as EventEnvelope<'QuarantineEnded'>).payload.quarantineId, null, now);
    } else if (e.meta.type === 'QuarantineExtended' || e.meta.type === 'QuarantineTransferred') {
      const p = (e as EventEnvelope<'QuarantineExtended' | 'QuarantineTransferred'>).payload;
      await this.store.cancelReminders(p.quarantineId, plan.remindersToKeep(p), now);
    }
    if (!message || this.channels.enabled.length === 0) return;
    const personId = e.payload.personId;
    const { channels: only, ...facts } = message;
    const planned = await this.store.planFor(
      { eventId: e.meta.id, personId, ...facts },
      this.channels.enabled.map((s) => s.channel).filter((c) => !only || only.includes(c)),
      { sms: plan.dueOn('SMS', message, this.quiet), other: message.dueAt },
      now,
    );
    for (const c of planned) this.metrics.count(c, 'planned');
    const dueNow = planned.some((c) => (c === 'SMS' ? plan.dueOn('SMS', message, this.quiet) : message.dueAt) <= now);
    if (dueNow) await this.tx.afterCommit(() => Promise.resolve(this.dispatcher.kick()));
  }

  private messageOf(e: NotifyingEvent, now: Date): plan.PlannedMessage | null {
    switch (e.meta.type) {
      case 'QuarantineOrdered':
        return plan.quarantineOrdered((e as EventEnvelope<'QuarantineOrdered'>).payload, now);
      case 'QuarantineExtended':
        return plan.quarantineExtended((e as EventEnvelope<'QuarantineExtended'>).payload, now);
      case 'QuarantineTransferred':
        return plan.quarantineTransferred((e as EventEnvelope<'QuarantineTransferred'>).payload, now);
      case 'QuarantineEnded':
        return plan.quarantineEnded((e as EventEnvelope<'QuarantineEnded'>).payload, now);
      case 'TestScheduled':
        return plan.testScheduled((e as EventEnvelope<'TestScheduled'>).payload, now, this.reminderMinute);
      case 'TestResultRecorded':
        return plan.testResult((e as EventEnvelope<'TestResultRecorded'>).payload, now);
      case 'ExposureSiteVisitorIdentified':
        return plan.exposureAlert((e as EventEnvelope<'ExposureSiteVisitorIdentified'>).payload, now);
    }
  }
}
