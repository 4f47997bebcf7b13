import { Consumer, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { TappedMessage } from '../monitor';

/**
 * Reads topics raw, in a consumer group of its own, without parsing or committing anything the
 * services rely on: the tests' (and benchmarks') view of what reached a topic. Test-only: import it
 * from `@ct/messaging/testing`; the ops topic monitor uses `RawConsumer`.
 */
export class TopicTap {
  readonly messages: TappedMessage[] = [];
  private waiters = new Set<() => void>();

  private constructor(private readonly consumer: Consumer) {}

  static async open(
    kafka: Kafka,
    topics: string[],
    opts: { groupId?: string; fromBeginning?: boolean } = {},
  ): Promise<TopicTap> {
    const consumer = kafka.consumer({ groupId: opts.groupId ?? `tap-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const tap = new TopicTap(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: opts.fromBeginning ?? true });
    // Ready once the group is joined and a first fetch has completed: only then are the starting
    // offsets resolved, so with fromBeginning = false nothing published after open() is missed.
    let fetched!: () => void;
    const ready = new Promise<void>((r) => (fetched = r));
    let joinedGroup = false;
    const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => (joinedGroup = true));
    const offFetch = consumer.on(consumer.events.FETCH, () => {
      if (joinedGroup) fetched();
    });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        tap.messages.push({
          topic,
          partition,
          offset: message.offset,
          timestamp: message.timestamp,
          key: message.key,
          value: message.value,
          headers: message.headers,
        });
        for (const w of tap.waiters) w();
        return Promise.resolve();
      },
    });
    await ready;
    offJoin();
    offFetch();
    return tap;
  }

  /** Resolves with the messages matching `predicate` once there are at least `count` of them. */
  waitFor(predicate: (m: TappedMessage) => boolean, count = 1, timeoutMs = 20000): Promise<TappedMessage[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.filter(predicate);
        if (found.length >= count) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve(found);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${count} message(s); saw ${this.messages.length}`),
        );
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}
