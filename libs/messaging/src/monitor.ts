import { Injectable } from '@nestjs/common';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { RawMessage } from '@ct/contracts';

/** A message as read off a topic, without parsing: what RawConsumer (and the tests' TopicTap) hand over. */
export interface TappedMessage extends RawMessage {
  partition: number;
  offset: string;
  timestamp: string;
}

/**
 * A raw, committing consumer in a named group: every message of `topics` is handed to `onMessage`
 * as it is on the wire (no parsing, no dead-lettering). The ops topic monitor is built on it; a
 * handler error is retried by kafkajs (the offset is not committed).
 */
export class RawConsumer {
  private constructor(private readonly consumer: Consumer) {}

  static async start(
    kafka: Kafka,
    opts: { groupId: string; topics: string[]; fromBeginning?: boolean },
    onMessage: (m: TappedMessage) => Promise<void> | void,
  ): Promise<RawConsumer> {
    const consumer = kafka.consumer({ groupId: opts.groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning ?? true });
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ topic, partition, message }) => {
        await onMessage({
          topic,
          partition,
          offset: message.offset,
          timestamp: message.timestamp,
          key: message.key,
          value: message.value,
          headers: message.headers,
        });
      },
    });
    return new RawConsumer(consumer);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Starts raw consumers on the service's Kafka client (the ops topic monitor), so callers need no kafkajs. */
@Injectable()
export class RawConsumers {
  constructor(private readonly kafka: Kafka) {}

  start(
    opts: { groupId: string; topics: string[]; fromBeginning?: boolean },
    onMessage: (m: TappedMessage) => Promise<void> | void,
  ): Promise<RawConsumer> {
    return RawConsumer.start(this.kafka, opts, onMessage);
  }
}

export interface PartitionLag {
  partition: number;
  /** The group's committed offset; null when the group has committed nothing on this partition. */
  committed: string | null;
  /** The partition's high watermark (offset of the next message to be written). */
  end: string;
  lag: number;
}

export interface TopicLag {
  topic: string;
  lag: number;
  partitions: PartitionLag[];
}

/**
 * Consumer-group lag from Kafka's admin API: per partition, the high watermark minus the group's
 * committed offset (or minus the low watermark when the group never committed there, since our
 * groups start from the beginning).
 */
export async function consumerGroupLag(admin: Admin, groupId: string, topics: string[]): Promise<TopicLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  const out: TopicLag[] = [];
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
    const partitions = ends.map((e) => {
      const c = mine.find((p) => p.partition === e.partition)?.offset;
      const has = c !== undefined && Number(c) >= 0;
      const from = has ? Number(c) : Number(e.low);
      return {
        partition: e.partition,
        committed: has ? c : null,
        end: e.high,
        lag: Math.max(0, Number(e.high) - from),
      };
    });
    out.push({ topic, lag: partitions.reduce((s, p) => s + p.lag, 0), partitions });
  }
  return out;
}

/** Topics a group has committed offsets on (empty when the group does not exist). */
export async function groupTopics(admin: Admin, groupId: string, candidates: string[]): Promise<string[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: candidates });
  return committed.filter((t) => t.partitions.some((p) => Number(p.offset) >= 0)).map((t) => t.topic);
}
