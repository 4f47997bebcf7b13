import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { consumerGroupLag, groupTopics, TopicLag } from './monitor';

/**
 * Kafka's admin API as the services need it (consumer-group lag for /metrics and the ops monitor),
 * on one lazily connected client per process. A failed call drops the connection, so the next call
 * connects again (a broker restart or a network cut is not remembered).
 */
@Injectable()
export class KafkaAdmin implements OnApplicationShutdown {
  private admin?: Promise<Admin>;

  constructor(private readonly kafka: Kafka) {}

  /** Lag of `groupId` on those of `candidates` it has committed offsets on (none: an empty list). */
  groupLag(groupId: string, candidates: readonly string[]): Promise<TopicLag[]> {
    return this.use(async (admin) => {
      const used = await groupTopics(admin, groupId, [...candidates]);
      return used.length ? consumerGroupLag(admin, groupId, used) : [];
    });
  }

  private async use<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const connecting = (this.admin ??= this.connect());
    try {
      return await fn(await connecting);
    } catch (err) {
      if (this.admin === connecting) this.admin = undefined;
      await connecting.then((a) => a.disconnect()).catch(() => undefined);
      throw err;
    }
  }

  private async connect(): Promise<Admin> {
    const admin = this.kafka.admin();
    await admin.connect();
    return admin;
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}
