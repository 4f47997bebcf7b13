import { EventType, parse } from '@ct/contracts';
import { TransactionHost } from '@ct/platform';
import type { MessageHandler } from '@nestjs/microservices';
import type { EachBatchPayload } from 'kafkajs';
import type { Logger } from 'pino';
import type { Attempts, Where } from './attempts';
import type { DeadLetters, Item } from './dead-letters';
import { classifyFailure, Failure } from './failures';
import { BatchOutcome, KafkaEventContext } from './handle-event';
import { MessagingObserver } from './observer';

/** What batch handling needs from the transport. */
export interface BatchHandlingDeps {
  tx: TransactionHost;
  observer: MessagingObserver;
  log: Logger;
  attempts: Attempts;
  deadLetters: DeadLetters;
  /** Attempts of a single event that fails for an unclassified reason. */
  maxAttempts: number;
  handlerFor(topic: string, type: EventType): MessageHandler | undefined;
  invoke(handler: MessageHandler, data: unknown, ctx: KafkaEventContext): Promise<unknown>;
}

/**
 * A fetched batch for `@HandleEvent(type, { batch: true })` handlers: parsed (contract violations
 * dead-lettered) and cut into runs of consecutive events of one type (events no handler takes are
 * passed over), each run handed to its type's handler as one array in one transaction, in the
 * partition's order: an event is never handled before one that preceded it (an order's end after
 * the order), which grouping the whole batch by type would do.
 */
export class BatchHandling {
  constructor(private readonly d: BatchHandlingDeps) {}

  async process(p: EachBatchPayload, items: Item[]): Promise<void> {
    const { batch } = p;
    const runs: { type: EventType; handler: MessageHandler; list: Item[] }[] = [];
    for (const item of items) {
      const parsed = parse(item.raw);
      if (!parsed.ok) {
        if (!(await this.d.deadLetters.send(p, item, classifyFailure(parsed.error), 1))) return;
        continue;
      }
      item.event = parsed.event;
      const type = parsed.event.meta.type;
      this.d.observer.consumed(batch.topic, type, 1);
      const handler = this.d.handlerFor(batch.topic, type);
      if (!handler) continue;
      const last = runs[runs.length - 1];
      if (last?.type === type) last.list.push(item);
      else runs.push({ type, handler, list: [item] });
    }
    for (const run of runs) if (!(await this.processSlice(p, run.handler, run.list))) return;
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
    const r = await this.d.attempts.run(
      p,
      where,
      list.length > 1 ? 1 : this.d.maxAttempts,
      () => this.d.tx.run(() => this.d.invoke(handler, events, ctx)) as Promise<BatchOutcome | undefined>,
    );
    if (r.ok) {
      for (const rej of r.value?.rejected ?? []) {
        const item = list.find((i) => i.event === rej.event);
        if (!item) continue;
        const f: Failure = { kind: 'permanent', category: 'rejected', reason: rej.reason, fields: rej.fields ?? [] };
        if (!(await this.d.deadLetters.send(p, item, f, 1))) return false;
      }
      return true;
    }
    if ('abandoned' in r) return false;
    if (list.length === 1) return this.d.deadLetters.send(p, first, r.failure, r.attempts);
    const half = Math.ceil(list.length / 2);
    this.d.log.warn(
      { ...where, size: list.length, reason: r.failure.reason },
      'batch failed; splitting it to find the bad events',
    );
    return (
      (await this.processSlice(p, handler, list.slice(0, half))) && this.processSlice(p, handler, list.slice(half))
    );
  }
}
