import { MessagingObserver } from '@ct/messaging';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Counts what flows through the messaging layer into the service's Prometheus registry. */
export class PrometheusObserver extends MessagingObserver {
  constructor(private readonly m: ServiceMetrics) {
    super();
  }
  override consumed(topic: string, type: string, count: number): void {
    this.m.consumed.inc({ topic, type }, count);
  }
  override produced(topic: string, count: number): void {
    this.m.produced.inc({ topic }, count);
  }
  override deadLettered(topic: string, _reason: string, category = 'unspecified'): void {
    this.m.deadLettered.inc({ topic });
    this.m.deadLetteredByReason.inc({ topic, category });
  }
  override retried(topic: string, kind: string): void {
    this.m.retries.inc({ topic, kind });
  }
  override rebalanced(group: string): void {
    this.m.rebalances.inc({ group });
  }
  override consumerState(group: string, up: boolean): void {
    this.m.consumerUp.set({ group }, up ? 1 : 0);
  }
  override outage(group: string, down: boolean): void {
    this.m.outage.set({ group }, down ? 1 : 0);
    if (down) this.m.outages.inc({ group });
  }
}

/**
 * One Prometheus registry per service instance (several services share a process in the tests):
 * HTTP latency, events consumed / produced / dead-lettered per topic, and, computed at scrape
 * time, the outbox backlog, the database pool and the service's own consumer-group lag.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly observer: PrometheusObserver;
  readonly http: Histogram<'method' | 'route' | 'status'>;
  readonly consumed: Counter<'topic' | 'type'>;
  readonly produced: Counter<'topic'>;
  readonly deadLettered: Counter<'topic'>;
  readonly deadLetteredByReason: Counter<'topic' | 'category'>;
  readonly retries: Counter<'topic' | 'kind'>;
  readonly rebalances: Counter<'group'>;
  readonly consumerUp: Gauge<'group'>;
  readonly outage: Gauge<'group'>;
  readonly outages: Counter<'group'>;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.http = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.consumed = new Counter({
      name: 'messaging_events_consumed_total',
      help: 'Events handled, per topic and type',
      labelNames: ['topic', 'type'],
      registers,
    });
    this.produced = new Counter({
      name: 'messaging_events_produced_total',
      help: 'Messages sent to Kafka, per topic',
      labelNames: ['topic'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'messaging_events_dead_lettered_total',
      help: 'Events sent to <topic>.dlq, per original topic',
      labelNames: ['topic'],
      registers,
    });
    this.deadLetteredByReason = new Counter({
      name: 'messaging_dead_letters_total',
      help: 'Events sent to <topic>.dlq, per original topic and reason category (contract, rejected, pg_<SQLSTATE>, exhausted, handler_error)',
      labelNames: ['topic', 'category'],
      registers,
    });
    this.retries = new Counter({
      name: 'messaging_retries_total',
      help: 'Failed attempts that were retried, per topic and kind (infrastructure, unknown)',
      labelNames: ['topic', 'kind'],
      registers,
    });
    this.rebalances = new Counter({
      name: 'messaging_rebalances_total',
      help: 'Consumer group rebalances seen by this instance',
      labelNames: ['group'],
      registers,
    });
    this.consumerUp = new Gauge({
      name: 'messaging_consumer_up',
      help: '1 while the consumer is in its group and consuming, 0 otherwise',
      labelNames: ['group'],
      registers,
    });
    this.outage = new Gauge({
      name: 'messaging_outage',
      help: '1 while handlers see the broker or the database away',
      labelNames: ['group'],
      registers,
    });
    this.outages = new Counter({
      name: 'messaging_outages_total',
      help: 'Outages of the broker or the database seen by handlers',
      labelNames: ['group'],
      registers,
    });
    this.observer = new PrometheusObserver(this);
  }
}
