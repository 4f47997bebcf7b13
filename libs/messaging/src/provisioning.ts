import { ALL_TOPICS, dlqTopic, Topics } from '@ct/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { Kafka, ITopicConfig } from 'kafkajs';
import { MESSAGING_OPTIONS, MessagingOptions } from './options';

export interface TopicPartitions {
  checkins: number;
  default: number;
}

export function plannedTopics(p: TopicPartitions): ITopicConfig[] {
  return ALL_TOPICS.flatMap((topic) => {
    const numPartitions = topic === Topics.CHECKINS ? p.checkins : p.default;
    return [
      { topic, numPartitions },
      // Dead letters keep the partition count so a replay preserves key order per partition.
      { topic: dlqTopic(topic), numPartitions },
    ];
  });
}

/**
 * Creates every topic and its .dlq at start-up (idempotent: existing topics are kept, and grown
 * when configured with more partitions; Kafka cannot shrink them).
 */
export async function provisionTopics(kafka: Kafka, p: TopicPartitions): Promise<string[]> {
  // On a cluster, a topic just created is not yet known to every broker: the metadata request
  // answers UNKNOWN_TOPIC_OR_PARTITION (retriable) for a moment. The whole pass is idempotent.
  const created = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    try {
      for (const t of await provisionOnce(kafka, p)) created.add(t);
      return [...created];
    } catch (err) {
      const retriable =
        (err as { retriable?: boolean }).retriable === true || (err as Error).name === 'KafkaJSNumberOfRetriesExceeded';
      if (!retriable || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}

async function provisionOnce(kafka: Kafka, p: TopicPartitions): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = plannedTopics(p);
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing, waitForLeaders: true }).catch((err: Error & { type?: string }) => {
        // Another service may create the same topics at the same moment.
        if (err.type !== 'TOPIC_ALREADY_EXISTS' && !/already exists/i.test(err.message)) throw err;
      });
    }
    const present = wanted.filter((t) => existing.has(t.topic));
    if (present.length > 0) {
      const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) });
      const grow = meta.topics
        .map((m) => ({
          topic: m.name,
          have: m.partitions.length,
          want: present.find((t) => t.topic === m.name)!.numPartitions ?? 1,
        }))
        .filter((t) => t.want > t.have)
        .map((t) => ({ topic: t.topic, count: t.want }));
      if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow });
    }
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}

/** Provisions the topics with the service's configured partitions (createServiceApp runs it at start). */
@Injectable()
export class TopicProvisioner {
  constructor(
    private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions,
  ) {}

  provision(): Promise<string[]> {
    return provisionTopics(this.kafka, this.opts.partitions);
  }
}
