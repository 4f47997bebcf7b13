import { ALL_TOPICS } from '@ct/contracts';
import { KafkaAdmin, Outbox } from '@ct/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { ServiceMetrics } from './service-metrics';
import { SERVICE_NAME } from './tokens';

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
