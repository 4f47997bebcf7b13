import { AnyEvent, dlqTopic, EVENT_TYPES, EventEnvelope, EventType, parse, RawMessage } from '@ct/contracts';
import { TransactionHost, withLogContext } from '@ct/platform';
import { applyDecorators, Catch, RpcExceptionFilter, UseFilters } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, EventPattern, MessageHandler, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { lastValueFrom, Observable, throwError } from 'rxjs';
import type { Logger } from 'pino';
import { backoffDelay, classifyFailure, DEFAULT_RETRY_POLICY, Failure, RetryPolicy } from './failures';
import { Inbox } from './inbox';
import type { ConsumerStatus } from './consumer-status';
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
  get raw(): RawMessage {
    return this.args[0];
  }
  get partition(): number {
    return this.args[1].partition;
  }
  get offset(): string {
    return this.args[1].offset;
  }
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
  /** Bounded retries of failures that are neither permanent nor infrastructure (failures.ts). */
  retry?: Partial<RetryPolicy>;
  /** Told whether the consumer is in its group (readiness). */
  status?: ConsumerStatus;
  /** Group session: a dead member's partitions move after this long. Default 6 s, heartbeat every 1 s. */
  sessionTimeoutMs?: number;
}

interface Item {
  raw: RawMessage;
  message: KafkaMessage;
  event?: AnyEvent;
}

/** Where a retry or a dead letter happened, for the one log line each decision gets. */
interface Where {
  topic: string;
  partition: number;
  offset: string;
  eventId?: string;
  type?: string;
}

type Attempt<T> =
  { ok: true; value: T } | { ok: false; failure: Failure; attempts: number } | { ok: false; abandoned: true };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
  private joined = false;
  private outage = false;

  constructor(private readonly deps: KafkaEventServerDeps) {
    super();
    this.policy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
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
    this.watch(consumer);
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

  /** One log line and a metric for each group event: joins, rebalances, crashes and stops. */
  private watch(consumer: Consumer): void {
    const { log, observer, groupId } = this.deps;
    const ev = consumer.events;
    consumer.on(ev.GROUP_JOIN, (e) => {
      this.setJoined(true);
      const assigned = Object.entries(e.payload.memberAssignment).map(([t, ps]) => `${t}[${ps.join(',')}]`);
      log.info(
        {
          group: groupId,
          memberId: e.payload.memberId,
          leader: e.payload.isLeader,
          durationMs: e.payload.duration,
          assigned,
        },
        'consumer joined its group',
      );
    });
    consumer.on(ev.REBALANCING, (e) => {
      this.setJoined(false);
      log.warn({ group: groupId, memberId: e.payload.memberId }, 'consumer group rebalancing');
      observer.rebalanced(groupId);
    });
    consumer.on(ev.CRASH, (e) => {
      this.setJoined(false);
      log.error({ group: groupId, error: safe(e.payload.error), restart: e.payload.restart }, 'consumer crashed');
    });
    consumer.on(ev.STOP, () => this.setJoined(false));
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
      await this.processAsBatch(p, items);
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
      return this.deadLetter(p, item, f, 1);
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
      const r = await this.attempt(p, where, this.policy.maxAttempts, () =>
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
      return this.deadLetter(p, item, r.failure, r.attempts);
    });
  }

  private async processAsBatch(p: EachBatchPayload, items: Item[]): Promise<void> {
    const { batch } = p;
    const byType = new Map<EventType, Item[]>();
    for (const item of items) {
      const parsed = parse(item.raw);
      if (!parsed.ok) {
        if (!(await this.deadLetter(p, item, classifyFailure(parsed.error), 1))) return;
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
      if (!(await this.processSlice(p, handler, list))) return;
    }
    // Resolved only now: a partition taken away above leaves the whole batch uncommitted, to be delivered again.
    if (items.length > 0) p.resolveOffset(items[items.length - 1].message.offset);
    await p.heartbeat();
  }

  /**
   * One slice of a batch in one transaction. When it fails for a reason other than the
   * infrastructure, it is split in halves, each in its own transaction, down to single events:
   * the good events are stored, a bad one is retried like any single event and then dead-lettered.
   */
  private async processSlice(p: EachBatchPayload, handler: MessageHandler, list: Item[]): Promise<boolean> {
    const { batch } = p;
    const first = list[0];
    const ctx = new KafkaEventContext([first.raw, { partition: batch.partition, offset: first.message.offset }]);
    const where: Where = {
      topic: batch.topic,
      partition: batch.partition,
      offset:
        list.length === 1 ? first.message.offset : `${first.message.offset}-${list[list.length - 1].message.offset}`,
      eventId: list.length === 1 ? first.event!.meta.id : undefined,
      type: first.event!.meta.type,
    };
    const events = list.map((i) => i.event!);
    const r = await this.attempt(
      p,
      where,
      list.length > 1 ? 1 : this.policy.maxAttempts,
      () => this.deps.tx.run(() => this.invoke(handler, events, ctx)) as Promise<BatchOutcome | undefined>,
    );
    if (r.ok) {
      for (const rej of r.value?.rejected ?? []) {
        const item = list.find((i) => i.event === rej.event);
        if (!item) continue;
        const f: Failure = { kind: 'permanent', category: 'rejected', reason: rej.reason, fields: rej.fields ?? [] };
        if (!(await this.deadLetter(p, item, f, 1))) return false;
      }
      return true;
    }
    if ('abandoned' in r) return false;
    if (list.length === 1) return this.deadLetter(p, first, r.failure, r.attempts);
    const half = Math.ceil(list.length / 2);
    this.deps.log.warn(
      { ...where, size: list.length, reason: r.failure.reason },
      'batch failed; splitting it to find the bad events',
    );
    return (
      (await this.processSlice(p, handler, list.slice(0, half))) && this.processSlice(p, handler, list.slice(half))
    );
  }

  /**
   * Runs `fn` until it succeeds, its failure is permanent, or a failure that is neither permanent
   * nor infrastructure has happened `maxAttempts` times. Infrastructure failures are retried
   * without limit (backoff up to maxBackoffMs) while this instance still owns the partition.
   */
  private async attempt<T>(
    p: EachBatchPayload,
    where: Where,
    maxAttempts: number,
    fn: () => Promise<T>,
  ): Promise<Attempt<T>> {
    for (let attempt = 1, counted = 0; ; attempt++) {
      try {
        const value = await this.withHeartbeats(p, fn);
        if (this.outage) {
          this.outage = false;
          this.deps.log.warn({ ...where }, 'outage over: events are handled again');
          this.deps.observer.outage(this.deps.groupId, false);
        }
        return { ok: true, value };
      } catch (err) {
        const f = classifyFailure(err);
        if (f.kind === 'permanent') return { ok: false, failure: f, attempts: attempt };
        if (f.kind === 'unknown' && ++counted >= maxAttempts) {
          return {
            ok: false,
            failure:
              maxAttempts > 1 ? { ...f, category: 'exhausted', reason: `failed ${counted} times: ${f.reason}` } : f,
            attempts: attempt,
          };
        }
        if (f.kind === 'infrastructure' && !this.outage) {
          this.outage = true;
          this.deps.observer.outage(this.deps.groupId, true);
        }
        const delay = backoffDelay(this.policy, f.kind === 'infrastructure' ? attempt : counted);
        this.deps.observer.retried(where.topic, f.kind);
        this.deps.log.warn(
          { ...where, attempt, kind: f.kind, reason: f.reason, retryInMs: delay },
          f.kind === 'infrastructure'
            ? 'infrastructure failure; retrying without limit'
            : 'event handling failed; retrying',
        );
        if (!(await this.pause(p, delay))) {
          this.deps.log.warn(
            { ...where },
            'partition revoked or consumer stopping during retries; the event stays uncommitted for the next owner',
          );
          return { ok: false, abandoned: true };
        }
      }
    }
  }

  /** Waits, heartbeating; false when the partition is no longer ours or the consumer stops. */
  private async pause(p: EachBatchPayload, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!p.isRunning() || p.isStale()) return false;
      await sleep(Math.min(250, until - Date.now()));
      await p.heartbeat().catch(() => undefined);
    }
    return p.isRunning() && !p.isStale();
  }

  /** Keeps the group session alive while a long handler runs (kafkajs only heartbeats between fetches). */
  private async withHeartbeats<T>(p: EachBatchPayload, fn: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => void p.heartbeat().catch(() => undefined), 1000);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }

  private async invoke(handler: MessageHandler, data: unknown, ctx: KafkaEventContext): Promise<unknown> {
    return lastValueFrom(this.transformToObservable(await handler(data, ctx)), { defaultValue: undefined });
  }

  /**
   * Sends the event to `<topic>.dlq` with the reason and the original headers. A send that fails is
   * retried (the broker may be away) until it succeeds or the partition is taken away: false then.
   */
  private async deadLetter(p: EachBatchPayload, item: Item, f: Failure, attempts: number): Promise<boolean> {
    const partition = p.batch.partition;
    const headers: IHeaders = { ...(item.message.headers ?? {}) };
    Object.assign(headers, {
      dlq_reason: f.reason,
      dlq_category: f.category,
      dlq_attempts: String(attempts),
      dlq_fields: JSON.stringify(f.fields),
      dlq_topic: item.raw.topic,
      dlq_partition: String(partition),
      dlq_offset: item.message.offset,
      dlq_group: this.deps.groupId,
      dlq_time: new Date().toISOString(),
    });
    const eventId = headerString(item.message.headers?.ce_id);
    const where: Where = { topic: item.raw.topic, partition, offset: item.message.offset, eventId };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.publisher.send([
          {
            topic: dlqTopic(item.raw.topic),
            key: item.message.key,
            value: item.message.value,
            headers: headers as Record<string, string | Buffer>,
          },
        ]);
        break;
      } catch (err) {
        const delay = backoffDelay(this.policy, attempt);
        this.deps.observer.retried(dlqTopic(item.raw.topic), 'infrastructure');
        this.deps.log.warn(
          { ...where, attempt, reason: classifyFailure(err).reason, retryInMs: delay },
          'dead letter not sent; retrying',
        );
        if (!(await this.pause(p, delay))) return false;
      }
    }
    this.deps.observer.deadLettered(item.raw.topic, f.reason, f.category);
    this.deps.log.warn(
      { ...where, category: f.category, attempts, reason: f.reason, fields: f.fields.map((x) => x.field) },
      'event dead-lettered',
    );
    return true;
  }
}

function headerString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const first: unknown = Array.isArray(v) ? v[0] : v;
  const s = Buffer.isBuffer(first) ? first.toString() : typeof first === 'string' ? first : JSON.stringify(first);
  // An id is short and printable; anything else is not logged (it may be a poison).
  return /^[\w.:@-]{1,128}$/.test(s) ? s : '(unprintable)';
}

function safe(err: Error | undefined): string {
  return err ? `${err.name}: ${err.message}`.slice(0, 240) : '';
}

export type { EventEnvelope };
