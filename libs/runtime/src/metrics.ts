import { ALL_TOPICS } from '@ct/contracts';
import { KafkaAdmin, MessagingObserver, Outbox } from '@ct/messaging';
import { currentLogContext, Roles, withLogContext } from '@ct/platform';
import { Controller, Get, Inject, Injectable, Logger, NestMiddleware, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from './tokens';

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

/** Scrape-time gauges that need the service's live objects (outbox, pool, Kafka admin). */
@Injectable()
export class RuntimeGauges {
  private readonly logger = new Logger('Metrics');

  constructor(
    metrics: ServiceMetrics,
    outbox: Outbox,
    ds: DataSource,
    private readonly admin: KafkaAdmin,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {
    const registers = [metrics.registry];
    const ownLag = () => this.ownLag();
    new Gauge({
      name: 'outbox_backlog',
      help: 'Outbox rows committed but not yet published',
      registers,
      async collect() {
        this.set(await outbox.backlog());
      },
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state (total, idle, waiting clients)',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = (
          ds.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }
        ).master;
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    new Gauge({
      name: 'kafka_consumer_group_lag',
      help: "Messages not yet consumed by this service's group, per topic",
      labelNames: ['topic'],
      registers,
      async collect() {
        this.reset();
        for (const t of await ownLag()) this.set({ topic: t.topic }, t.lag);
      },
    });
  }

  private async ownLag() {
    try {
      return await this.admin.groupLag(this.service, ALL_TOPICS);
    } catch (err) {
      this.logger.warn(`consumer lag unavailable: ${(err as Error).message}`);
      return [];
    }
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: ServiceMetrics,
    _gauges: RuntimeGauges,
  ) {}

  /** Prometheus scrape endpoint, per service port; not in OpenAPI, so the edge does not route it. */
  @Get()
  @Roles('ops')
  @ApiExcludeEndpoint()
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('content-type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}

const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[\w.:@-]{1,128}$/;

/**
 * Every HTTP request: a correlation id (the caller's x-correlation-id when it is a safe token,
 * else a new UUID) returned in the response header and put in the log context, so log lines and
 * the events the request adds to the outbox carry it; and its latency in the histogram.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(private readonly metrics: ServiceMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const given = req.headers[CORRELATION_HEADER];
    const correlationId = typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      this.metrics.http.observe(
        { method: req.method, route, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    withLogContext({ correlationId, requestId: randomUUID() }, () => next());
  }
}

/** The correlation id of the request or event being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return currentLogContext()?.correlationId;
}
