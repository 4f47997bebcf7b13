import { EventType, parse, RawMessage } from '@ct/contracts';
import { TransactionHost, withLogContext } from '@ct/platform';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import type { Logger } from 'pino';
import { Attempts, Where } from './attempts';
import { BatchHandling } from './batch-handling';
import type { ConsumerStatus } from './consumer-status';
import { watchGroup } from './consumer-events';
import { DeadLetters, Item } from './dead-letters';
import { classifyFailure, DEFAULT_RETRY_POLICY, RetryPolicy } from './failures';
import { KafkaEventContext, SEP } from './handle-event';
import { Inbox } from './inbox';
import { MessagingObserver } from './observer';
import { EventPublisher } from './publisher';

export interface KafkaEventServerDeps {
  kafka: Kafka;
  groupId: string;
  tx: TransactionHost;
  inbox: Inbox;
  publisher: EventPublisher;
  observer: MessagingObserver;
  log: Logger;
  /** Partitions handled at once by this instance (kafkajs partitionsConsumedConcurrently). */
  concurrency?: number;
  maxBytesPerPartition?: number;
  /** Bounded retries of failures that are neither permanent nor infrastructure (failures.ts). */
  retry?: Partial<RetryPolicy>;
  /** Told whether the consumer is in its group (readiness). */
  status?: ConsumerStatus;
  /** Group session: a dead member's partitions move after this long. Default 6 s, heartbeat every 1 s. */
  sessionTimeoutMs?: number;
}

/**
 * The services' Kafka transport for @nestjs/microservices. Every message goes through the
 * contracts' `parse`; what fails is dead-lettered to `<topic>.dlq` with the reason and the original
 * headers, and the partition moves on. Handler failures are classified (failures.ts): permanent
 * ones are dead-lettered at once, infrastructure ones (broker or database away) are retried without
 * limit, anything else is retried with exponential backoff and dead-lettered after
 * `retry.maxAttempts`. A failing batch is split in halves until the bad events are found: the good
 * ones are stored, the bad ones dead-lettered. Every retry, dead letter, rebalance and outage logs
 * one line with topic, partition, offset and event id.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private readonly policy: RetryPolicy;
  private readonly attempts: Attempts;
  private readonly deadLetters: DeadLetters;
  private readonly batches: BatchHandling;
  private joined = false;

  constructor(private readonly deps: KafkaEventServerDeps) {
    super();
    this.policy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    const { groupId, log, observer, publisher, tx, inbox } = deps;
    this.attempts = new Attempts({ groupId, log, observer, policy: this.policy });
    // The inbox remembers what this group dead-lettered: a batch delivered again sends no second letter.
    this.deadLetters = new DeadLetters(
      { groupId, log, observer, publisher, policy: this.policy, ledger: inbox },
      this.attempts,
    );
    this.batches = new BatchHandling({
      tx,
      observer,
      log,
      attempts: this.attempts,
      deadLetters: this.deadLetters,
      maxAttempts: this.policy.maxAttempts,
      handlerFor: (topic, type) => this.handlerFor(topic, type),
      invoke: (handler, data, ctx) => this.invoke(handler, data, ctx),
    });
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.start().then(
      () => callback(),
      (err) => callback(err),
    );
  }

  async close(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    await c?.disconnect();
  }

  on(): void {
    throw new Error('KafkaEventServer does not emit transport events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  topics(): string[] {
    return [...new Set([...this.messageHandlers.keys()].map((p) => p.split(SEP)[0]))];
  }

  /** Readiness: true once the consumer is in its group (or the service consumes nothing), false while it is out. */
  get consuming(): boolean {
    return this.topics().length === 0 || (this.consumer !== undefined && this.joined);
  }

  private setJoined(up: boolean): void {
    this.joined = up;
    this.deps.status?.set(up, this.topics().length);
    this.deps.observer.consumerState(this.deps.groupId, up);
  }

  private async start(): Promise<void> {
    const topics = this.topics();
    this.deps.status?.set(topics.length === 0, topics.length);
    if (topics.length === 0) return;
    const sessionTimeout = this.deps.sessionTimeoutMs ?? 6000;
    const consumer = this.deps.kafka.consumer({
      groupId: this.deps.groupId,
      // Short sessions: a SIGKILLed member's partitions move within seconds. Long handlers keep
      // the session alive with heartbeats while they run (withHeartbeats).
      sessionTimeout,
      rebalanceTimeout: Math.max(sessionTimeout * 2, 10000),
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 6)),
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: this.deps.maxBytesPerPartition ?? 1048576,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, retries: 10 },
    });
    watchGroup(consumer, this.deps, (up) => this.setJoined(up));
    await consumer.connect();
    // A new consumer group starts from the beginning: a service deployed later catches up on history.
    await consumer.subscribe({ topics, fromBeginning: true });
    this.consumer = consumer;
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.deps.concurrency ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  private async onBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const items: Item[] = batch.messages.map((message) => {
      const raw: RawMessage = {
        topic: batch.topic,
        key: message.key,
        value: message.value,
        headers: message.headers,
      };
      return { raw, message };
    });
    const batchMode = [...this.messageHandlers].some(
      ([pattern, h]) => pattern.startsWith(batch.topic + SEP) && h.extras?.batch,
    );
    if (batchMode) {
      await this.batches.process(p, items);
      return;
    }
    for (const item of items) {
      if (!p.isRunning() || p.isStale()) return;
      if (!(await this.processOne(p, item))) return;
      p.resolveOffset(item.message.offset);
      await p.heartbeat();
    }
  }

  /** false: the partition was taken away or the consumer is stopping; the event stays uncommitted. */
  private async processOne(p: EachBatchPayload, item: Item): Promise<boolean> {
    const partition = p.batch.partition;
    const parsed = parse(item.raw);
    if (!parsed.ok) {
      const f = classifyFailure(parsed.error);
      return this.deadLetters.send(p, item, f, 1);
    }
    const event = parsed.event;
    const handler = this.getHandlerByPattern(`${item.raw.topic}${SEP}${event.meta.type}`);
    this.deps.observer.consumed(item.raw.topic, event.meta.type, 1);
    if (!handler) return true;
    const ctx = new KafkaEventContext([item.raw, { partition, offset: item.message.offset }]);
    const where: Where = {
      topic: item.raw.topic,
      partition,
      offset: item.message.offset,
      eventId: event.meta.id,
      type: event.meta.type,
    };
    return withLogContext({ correlationId: event.meta.correlationId, eventId: event.meta.id }, async () => {
      const r = await this.attempts.run(p, where, this.policy.maxAttempts, () =>
        this.deps.tx.run(async () => {
          if (!(await this.deps.inbox.record(this.deps.groupId, event.meta.id))) {
            this.deps.log.debug({ type: event.meta.type }, 'duplicate event skipped');
            return;
          }
          await this.invoke(handler, event, ctx);
        }),
      );
      if (r.ok) return true;
      if ('abandoned' in r) return false;
      return this.deadLetters.send(p, item, r.failure, r.attempts);
    });
  }

  private handlerFor(topic: string, type: EventType): MessageHandler | undefined {
    return this.getHandlerByPattern(`${topic}${SEP}${type}`) ?? undefined;
  }

  private async invoke(handler: MessageHandler, data: unknown, ctx: KafkaEventContext): Promise<unknown> {
    return lastValueFrom(this.transformToObservable(await handler(data, ctx)), { defaultValue: undefined });
  }
}

export type { EventEnvelope } from '@ct/contracts';
