import { EventEnvelope } from '@ct/contracts';
import { TransactionHost, ServiceClock } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { Channels } from '../channels/channels';
import { NotificationDispatcher } from '../dispatch-notifications/notification-dispatcher.job';
import { minutesOf, parseQuietHours } from '../domain/local-time';
import { Channel } from '../domain/plan';
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
  | 'IsolationOrdered'
  | 'IsolationTransferred'
  | 'IsolationEnded'
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
    await this.planMany([e]);
  }

  /**
   * Plans the messages of many events (a batch of one type: a super-spreader's orders) with one
   * statement per set of channels; reminders an end, extension or transfer makes pointless are
   * cancelled first, event by event, in order.
   */
  async planMany(events: NotifyingEvent[]): Promise<void> {
    const now = this.clock.now();
    const enabled = this.channels.enabled.map((s) => s.channel);
    const groups = new Map<string, { channels: Channel[]; rows: Parameters<DeliveryStore['planMany']>[0] }>();
    for (const e of events) {
      await this.cancelReminders(e, now);
      const message = this.messageOf(e, now);
      if (!message || enabled.length === 0) continue;
      const { channels: only, ...facts } = message;
      const channels = enabled.filter((c) => !only || only.includes(c));
      const key = channels.join(',');
      const group = groups.get(key) ?? { channels, rows: [] };
      group.rows.push({
        eventId: e.meta.id,
        personId: e.payload.personId,
        ...facts,
        due: { sms: plan.dueOn('SMS', message, this.quiet), other: message.dueAt },
      });
      groups.set(key, group);
    }
    let dueNow = false;
    for (const { channels, rows } of groups.values()) {
      const planned = await this.store.planMany(rows, channels, now);
      for (const p of planned) {
        this.metrics.count(p.channel, 'planned');
        dueNow ||= p.dueAt <= now;
      }
    }
    if (dueNow) await this.tx.afterCommit(() => Promise.resolve(this.dispatcher.kick()));
  }

  private async cancelReminders(e: NotifyingEvent, now: Date): Promise<void> {
    if (e.meta.type === 'QuarantineEnded') {
      await this.store.cancelReminders((e as EventEnvelope<'QuarantineEnded'>).payload.quarantineId, null, now);
    } else if (e.meta.type === 'QuarantineExtended' || e.meta.type === 'QuarantineTransferred') {
      const p = (e as EventEnvelope<'QuarantineExtended' | 'QuarantineTransferred'>).payload;
      await this.store.cancelReminders(p.quarantineId, plan.remindersToKeep(p), now);
    }
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
      case 'IsolationOrdered':
        return plan.isolationOrdered((e as EventEnvelope<'IsolationOrdered'>).payload, now);
      case 'IsolationTransferred':
        return plan.isolationTransferred((e as EventEnvelope<'IsolationTransferred'>).payload, now);
      case 'IsolationEnded':
        return plan.isolationEnded((e as EventEnvelope<'IsolationEnded'>).payload, now);
    }
  }
}
