import { TransactionHost } from '@ct/platform';
import { DynamicModule, Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { KafkaAdmin } from './admin';
import { BatchInbox } from './batch-inbox';
import { ConsumerStatus } from './consumer-status';
import { KafkaEventServerFactory } from './event-server.factory';
import { Inbox } from './inbox';
import { createKafka, KafkaLogSink } from './kafka';
import { RawConsumers } from './monitor';
import { MessagingObserver } from './observer';
import { MESSAGING_OPTIONS, MessagingOptions } from './options';
import { Outbox } from './outbox';
import { OutboxCache } from './outbox-cache';
import { OutboxRelay } from './outbox-relay';
import { TopicProvisioner } from './provisioning';
import { EventPublisher } from './publisher';

/** Answers whether the broker is reachable, for /health. */
@Injectable()
export class KafkaHealth implements OnApplicationShutdown {
  private admin?: Admin;

  constructor(private readonly kafka: Kafka) {}

  async check(timeoutMs = 2000): Promise<{ brokers: number; controller: number | null }> {
    const run = async () => {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const cluster = await this.admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Kafka within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (err) {
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect();
  }
}

/** kafkajs log lines through Nest's Logger, which the services bind to their JSON logger. */
export function nestLogSink(context: string): KafkaLogSink {
  const logger = new Logger(context);
  return {
    warn: (fields, msg) => logger.warn({ msg, ...fields }),
    error: (fields, msg) => logger.error({ msg, ...fields }),
  };
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions, observer: MessagingObserver = new MessagingObserver()): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: MessagingObserver, useValue: observer },
        // kafkajs's warnings and errors (lost brokers, request timeouts, crashes) reach the service's log.
        {
          provide: Kafka,
          useFactory: () =>
            createKafka({
              brokers: options.brokers,
              clientId: options.service,
              security: options.security,
              logger: nestLogSink('Kafka'),
            }),
        },
        {
          provide: EventPublisher,
          // The producer runs in its own thread: record encoding stays off the service's event loop.
          useFactory: (k: Kafka, o: MessagingObserver) =>
            new EventPublisher(k, o, {
              brokers: options.brokers,
              clientId: options.service,
              security: options.security,
            }),
          inject: [Kafka, MessagingObserver],
        },
        { provide: OutboxCache, useFactory: () => new OutboxCache() },
        {
          provide: Outbox,
          useFactory: (tx: TransactionHost, c: OutboxCache) => new Outbox(tx, options, c),
          inject: [TransactionHost, OutboxCache],
        },
        { provide: Inbox, useFactory: (tx: TransactionHost) => new Inbox(tx, options), inject: [TransactionHost] },
        { provide: BatchInbox, useFactory: (inbox: Inbox) => new BatchInbox(inbox, options), inject: [Inbox] },
        {
          provide: OutboxRelay,
          useFactory: (tx: TransactionHost, p: EventPublisher, c: OutboxCache) => new OutboxRelay(tx, p, options, c),
          inject: [TransactionHost, EventPublisher, OutboxCache],
        },
        { provide: KafkaHealth, useFactory: (k: Kafka) => new KafkaHealth(k), inject: [Kafka] },
        { provide: ConsumerStatus, useValue: new ConsumerStatus() },
        // What runtime and the apps use instead of the kafkajs client itself.
        KafkaAdmin,
        RawConsumers,
        TopicProvisioner,
        KafkaEventServerFactory,
      ],
      exports: [
        ConsumerStatus,
        MESSAGING_OPTIONS,
        MessagingObserver,
        Kafka,
        EventPublisher,
        Outbox,
        Inbox,
        BatchInbox,
        OutboxRelay,
        KafkaHealth,
        KafkaAdmin,
        RawConsumers,
        TopicProvisioner,
        KafkaEventServerFactory,
      ],
    };
  }
}
