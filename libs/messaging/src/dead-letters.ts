import { AnyEvent, dlqTopic, RawMessage } from '@ct/contracts';
import type { EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Attempts, Where } from './attempts';
import { backoffDelay, classifyFailure, Failure, RetryPolicy } from './failures';
import { MessagingObserver } from './observer';
import { EventPublisher } from './publisher';

/** A fetched message, parsed once it has been. */
export interface Item {
  raw: RawMessage;
  message: KafkaMessage;
  event?: AnyEvent;
}

export interface DeadLetterSettings {
  groupId: string;
  log: Logger;
  observer: MessagingObserver;
  publisher: EventPublisher;
  policy: RetryPolicy;
  /**
   * Which messages this group has dead-lettered already (the service's inbox): a batch delivered
   * again (its partition moved before the offset was committed, e.g. after a missed heartbeat under
   * load) does not dead-letter the same message twice. Optional: without it, at least once.
   */
  ledger?: DeadLetterLedger;
}

/** Remembers dead-lettered messages by their place and content (see DeadLetterSettings.ledger). */
export interface DeadLetterLedger {
  has(consumer: string, id: string): Promise<boolean>;
  recordNow(consumer: string, id: string): Promise<void>;
}

/** Sends what can never be processed to `<topic>.dlq`, with the reason next to the original headers. */
export class DeadLetters {
  constructor(
    private readonly d: DeadLetterSettings,
    private readonly attempts: Attempts,
  ) {}

  /**
   * Sends the event to `<topic>.dlq` with the reason and the original headers. A send that fails is
   * retried (the broker may be away) until it succeeds or the partition is taken away: false then.
   */
  async send(p: EachBatchPayload, item: Item, f: Failure, attempts: number): Promise<boolean> {
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
      dlq_group: this.d.groupId,
      dlq_time: new Date().toISOString(),
    });
    const eventId = headerString(item.message.headers?.ce_id);
    const where: Where = { topic: item.raw.topic, partition, offset: item.message.offset, eventId };
    const ledger = this.d.ledger;
    const consumer = `dead-letter:${this.d.groupId}`;
    const id = ledgerId(item, partition);
    // Already sent (a redelivered batch): moved past without a second letter. A ledger that cannot
    // be read (the database away) sends again rather than lose the letter.
    if (ledger && (await ledger.has(consumer, id).catch(() => false))) {
      this.d.log.info({ ...where, category: f.category }, 'event dead-lettered before; not sent again');
      return true;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.d.publisher.send([
          {
            topic: dlqTopic(item.raw.topic),
            key: item.message.key,
            value: item.message.value,
            headers: headers as Record<string, string | Buffer>,
          },
        ]);
        break;
      } catch (err) {
        const delay = backoffDelay(this.d.policy, attempt);
        this.d.observer.retried(dlqTopic(item.raw.topic), 'infrastructure');
        this.d.log.warn(
          { ...where, attempt, reason: classifyFailure(err).reason, retryInMs: delay },
          'dead letter not sent; retrying',
        );
        if (!(await this.attempts.pause(p, delay))) return false;
      }
    }
    await ledger?.recordNow(consumer, id).catch((err: Error) => {
      this.d.log.warn({ ...where, reason: classifyFailure(err).reason }, 'dead letter not recorded in the ledger');
    });
    this.d.observer.deadLettered(item.raw.topic, f.reason, f.category);
    this.d.log.warn(
      { ...where, category: f.category, attempts, reason: f.reason, fields: f.fields.map((x) => x.field) },
      'event dead-lettered',
    );
    return true;
  }
}

/**
 * A message's place and a digest of its content: the place alone would repeat when a topic is
 * recreated (offsets start again), the content alone when the same bytes are sent twice on purpose.
 */
function ledgerId(item: Item, partition: number): string {
  const h = createHash('sha256');
  h.update(item.message.key ?? '');
  h.update('\0');
  h.update(item.message.value ?? '');
  return `${item.raw.topic}:${partition}:${item.message.offset}:${h.digest('base64url').slice(0, 22)}`;
}

function headerString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const first: unknown = Array.isArray(v) ? v[0] : v;
  const s = Buffer.isBuffer(first) ? first.toString() : typeof first === 'string' ? first : JSON.stringify(first);
  // An id is short and printable; anything else is not logged (it may be a poison).
  return /^[\w.:@-]{1,128}$/.test(s) ? s : '(unprintable)';
}
