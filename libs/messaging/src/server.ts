import { AnyEvent, ContractViolation, dlqTopic, EVENT_TYPES, EventEnvelope, EventType, parse, RawMessage } from '@ct/contracts';
import { TransactionHost, withLogContext } from '@ct/platform';
import { applyDecorators, Catch, RpcExceptionFilter, UseFilters } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, EventPattern, MessageHandler, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom, Observable, throwError } from 'rxjs';
import type { Logger } from 'pino';
import { UnprocessableEvent } from './errors';
import { Inbox } from './inbox';
import { MessagingObserver } from './observer';
import { EventPublisher } from './publisher';

const SEP = '#';

export function eventPattern(type: EventType): string {
  return `${EVENT_TYPES[type].topic}${SEP}${type}`;
}

/**
 * Marks a handler for one event type. The handler runs in one database transaction together with
 * the record of the event id (a redelivery is skipped) and any outbox rows it adds.
 * With `batch: true` the handler gets every valid event of a fetched batch as an array, outside
 * the inbox (it must be idempotent by the events' own keys), and may return the events it rejects.
 */
export function HandleEvent(type: EventType, opts: { batch?: boolean } = {}) {
  return applyDecorators(
    EventPattern(eventPattern(type), { batch: opts.batch === true }),
    // Applied per handler: a global filter on a hybrid app's microservice is not consulted.
    UseFilters(new RethrowRpcExceptions()),
  );
}

/** What a batch handler returns for the events it cannot ever process: they are dead-lettered. */
export interface BatchOutcome {
  rejected?: { event: AnyEvent; reason: string; fields?: { field: string; problems: string[] }[] }[];
}

export class KafkaEventContext extends BaseRpcContext<[RawMessage, { partition: number; offset: string }]> {
  get raw(): RawMessage { return this.args[0]; }
  get partition(): number { return this.args[1].partition; }
  get offset(): string { return this.args[1].offset; }
}

/** Lets handler errors reach the transport unchanged (Nest would otherwise swallow them into a log line). */
@Catch()
export class RethrowRpcExceptions implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

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
}

interface Item { raw: RawMessage; message: KafkaMessage; event?: AnyEvent }

/**
 * The services' Kafka transport for @nestjs/microservices. Every message goes through the
 * contracts' `parse`; what fails is dead-lettered to `<topic>.dlq` with the reason and the original
 * headers, and the partition moves on. A handler error other than UnprocessableEvent is transient:
 * the offset stays uncommitted and kafkajs delivers the message again.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;

  constructor(private readonly deps: KafkaEventServerDeps) {
    super();
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.start().then(() => callback(), (err) => callback(err));
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

  private async start(): Promise<void> {
    const topics = this.topics();
    if (topics.length === 0) return;
    const consumer = this.deps.kafka.consumer({
      groupId: this.deps.groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: this.deps.maxBytesPerPartition ?? 1048576,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, retries: 10 },
    });
    await consumer.connect();
    // A new consumer group starts from the beginning: a service deployed later catches up on history.
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.deps.concurrency ?? 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.consumer = consumer;
  }

  private async onBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const items: Item[] = batch.messages.map((message) => {
      const raw: RawMessage = { topic: batch.topic, key: message.key, value: message.value, headers: message.headers as RawMessage['headers'] };
      return { raw, message };
    });
    const batchMode = [...this.messageHandlers].some(([pattern, h]) => pattern.startsWith(batch.topic + SEP) && h.extras?.batch);
    if (batchMode) {
      await this.processAsBatch(p, items);
      return;
    }
    for (const item of items) {
      if (!p.isRunning() || p.isStale()) return;
      await this.processOne(batch.partition, item);
      p.resolveOffset(item.message.offset);
      await p.heartbeat();
    }
  }

  private async processOne(partition: number, item: Item): Promise<void> {
    const parsed = parse(item.raw);
    if (!parsed.ok) {
      await this.deadLetter(item, partition, parsed.error.message, parsed.error.fields);
      return;
    }
    const event = parsed.event;
    const handler = this.getHandlerByPattern(`${item.raw.topic}${SEP}${event.meta.type}`);
    this.deps.observer.consumed(item.raw.topic, event.meta.type, 1);
    if (!handler) return;
    const ctx = new KafkaEventContext([item.raw, { partition, offset: item.message.offset }]);
    await withLogContext({ correlationId: event.meta.correlationId, eventId: event.meta.id }, async () => {
      try {
        await this.deps.tx.run(async () => {
          if (!(await this.deps.inbox.record(this.deps.groupId, event.meta.id))) {
            this.deps.log.debug({ type: event.meta.type }, 'duplicate event skipped');
            return;
          }
          await this.invoke(handler, event, ctx);
        });
      } catch (err) {
        if (err instanceof UnprocessableEvent || err instanceof ContractViolation) {
          await this.deadLetter(item, partition, err instanceof UnprocessableEvent ? err.reason : err.message, err.fields);
          return;
        }
        this.deps.log.warn({ err, type: event.meta.type }, 'event handling failed; it will be retried');
        throw err;
      }
    });
  }

  private async processAsBatch(p: EachBatchPayload, items: Item[]): Promise<void> {
    const { batch } = p;
    const byType = new Map<EventType, Item[]>();
    for (const item of items) {
      const parsed = parse(item.raw);
      if (!parsed.ok) {
        await this.deadLetter(item, batch.partition, parsed.error.message, parsed.error.fields);
        continue;
      }
      item.event = parsed.event;
      const list = byType.get(parsed.event.meta.type) ?? [];
      list.push(item);
      byType.set(parsed.event.meta.type, list);
    }
    for (const [type, list] of byType) {
      this.deps.observer.consumed(batch.topic, type, list.length);
      const handler = this.getHandlerByPattern(`${batch.topic}${SEP}${type}`);
      if (!handler) continue;
      const ctx = new KafkaEventContext([list[0].raw, { partition: batch.partition, offset: list[0].message.offset }]);
      const events = list.map((i) => i.event!);
      const outcome = (await this.deps.tx.run(() => this.invoke(handler, events, ctx))) as BatchOutcome | undefined;
      for (const r of outcome?.rejected ?? []) {
        const item = list.find((i) => i.event === r.event);
        if (item) await this.deadLetter(item, batch.partition, r.reason, r.fields ?? []);
      }
    }
    // Resolved only now: a failure above leaves the whole batch uncommitted, to be delivered again.
    if (items.length > 0) p.resolveOffset(items[items.length - 1].message.offset);
    await p.heartbeat();
  }

  private async invoke(handler: MessageHandler, data: unknown, ctx: KafkaEventContext): Promise<unknown> {
    return lastValueFrom(this.transformToObservable(await handler(data, ctx)), { defaultValue: undefined });
  }

  private async deadLetter(item: Item, partition: number, reason: string, fields: { field: string; problems: string[] }[]): Promise<void> {
    const headers: IHeaders = { ...(item.message.headers ?? {}) };
    Object.assign(headers, {
      dlq_reason: reason,
      dlq_fields: JSON.stringify(fields),
      dlq_topic: item.raw.topic,
      dlq_partition: String(partition),
      dlq_offset: item.message.offset,
      dlq_group: this.deps.groupId,
      dlq_time: new Date().toISOString(),
    });
    await this.deps.publisher.send([
      { topic: dlqTopic(item.raw.topic), key: item.message.key, value: item.message.value, headers: headers as Record<string, string | Buffer> },
    ]);
    this.deps.observer.deadLettered(item.raw.topic, reason);
    this.deps.log.warn({ topic: item.raw.topic, partition, offset: item.message.offset, reason, fields: fields.map((f) => f.field) }, 'event dead-lettered');
  }
}

export type { EventEnvelope };
