import { ServiceMetrics } from '@ct/runtime';
import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Channel } from './domain/plan';

export type NotificationOutcome = 'planned' | 'sent' | 'failed' | 'retrying' | 'skipped';

/** `notifications_total{channel, outcome}` on the cases service's /metrics. */
@Injectable()
export class NotificationMetrics {
  private readonly counter: Counter<'channel' | 'outcome'>;

  constructor(metrics: ServiceMetrics) {
    this.counter = new Counter({
      name: 'notifications_total',
      help: 'Notification messages per channel (SMS, EMAIL, APP) and outcome (planned, sent, failed, retrying = an attempt failed and another is due, skipped = opted out, no address, erased or channel off)',
      labelNames: ['channel', 'outcome'],
      registers: [metrics.registry],
    });
  }

  count(channel: Channel, outcome: NotificationOutcome, n = 1): void {
    if (n > 0) this.counter.inc({ channel, outcome }, n);
  }
}
