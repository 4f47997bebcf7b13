import { ALL_TOPICS, dlqTopic, Topics } from '@ct/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ITopicConfig, Kafka } from 'kafkajs';
import { MESSAGING_OPTIONS, MessagingOptions } from './options';
import { alignRetention, DEFAULT_TOPIC_RETENTION, retentionFor, TopicRetention } from './topic-retention';

export interface TopicPartitions {
  checkins: number;
  default: number;
}

/** A topic as provisioning wants it: partitions, and retention.ms (null: the broker's default). */
export interface TopicPlan {
  topic: string;
  numPartitions: number;
  retentionMs: number | null;
}

export function plannedTopics(p: TopicPartitions, retention: TopicRetention = DEFAULT_TOPIC_RETENTION): TopicPlan[] {
  return ALL_TOPICS.flatMap((topic) => {
    const numPartitions = topic === Topics.CHECKINS ? p.checkins : p.default;
    // Dead letters keep the partition count so a replay preserves key order per partition.
    return [topic, dlqTopic(topic)].map((t) => ({ topic: t, numPartitions, retentionMs: retentionFor(t, retention) }));
  });
}

/**
 * Creates every topic and its .dlq at start-up with its retention.ms (idempotent: existing topics
 * are kept, grown when configured with more partitions, since Kafka cannot shrink them, and their
 * retention.ms brought to the configured value).
 */
export function provisionTopics(
  kafka: Kafka,
  p: TopicPartitions,
  retention: TopicRetention = DEFAULT_TOPIC_RETENTION,
  onRetentionChanged?: (topics: string[]) => void,
): Promise<string[]> {
  return ensureTopics(kafka, plannedTopics(p, retention), onRetentionChanged);
}

/** Makes the topics exist as planned; returns those it created (and tells which existing ones got a new retention). */
export async function ensureTopics(
  kafka: Kafka,
  plan: TopicPlan[],
  onRetentionChanged?: (topics: string[]) => void,
): Promise<string[]> {
  // On a cluster, a topic just created is not yet known to every broker: the metadata request
  // answers UNKNOWN_TOPIC_OR_PARTITION (retriable) for a moment. The whole pass is idempotent.
  const created = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await provisionOnce(kafka, plan);
      for (const t of done.created) created.add(t);
      if (done.retentionChanged.length > 0) onRetentionChanged?.(done.retentionChanged);
      return [...created];
    } catch (err) {
      const retriable =
        (err as { retriable?: boolean }).retriable === true || (err as Error).name === 'KafkaJSNumberOfRetriesExceeded';
      if (!retriable || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}

function topicConfig(t: TopicPlan): ITopicConfig {
  return {
    topic: t.topic,
    numPartitions: t.numPartitions,
    configEntries: t.retentionMs === null ? [] : [{ name: 'retention.ms', value: String(t.retentionMs) }],
  };
}

async function provisionOnce(
  kafka: Kafka,
  wanted: TopicPlan[],
): Promise<{ created: string[]; retentionChanged: string[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin
        .createTopics({ topics: missing.map(topicConfig), waitForLeaders: true })
        .catch((err: Error & { type?: string }) => {
          // Another service may create the same topics at the same moment.
          if (err.type !== 'TOPIC_ALREADY_EXISTS' && !/already exists/i.test(err.message)) throw err;
        });
    }
    const present = wanted.filter((t) => existing.has(t.topic));
    let retentionChanged: string[] = [];
    if (present.length > 0) {
      const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) });
      const grow = meta.topics
        .map((m) => ({
          topic: m.name,
          have: m.partitions.length,
          want: present.find((t) => t.topic === m.name)!.numPartitions,
        }))
        .filter((t) => t.want > t.have)
        .map((t) => ({ topic: t.topic, count: t.want }));
      if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow });
      // A topic created before (or by another service racing this one) gets the configured retention.
      retentionChanged = await alignRetention(
        admin,
        present.flatMap((t) => (t.retentionMs === null ? [] : [{ topic: t.topic, retentionMs: t.retentionMs }])),
      );
    }
    return { created: missing.map((t) => t.topic), retentionChanged };
  } finally {
    await admin.disconnect();
  }
}

/** Provisions the topics with the service's configured partitions and retention (createServiceApp runs it at start). */
@Injectable()
export class TopicProvisioner {
  constructor(
    private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly opts: MessagingOptions,
  ) {}

  provision(): Promise<string[]> {
    return provisionTopics(this.kafka, this.opts.partitions, this.opts.retention ?? DEFAULT_TOPIC_RETENTION, (t) =>
      new Logger('Provisioning').log(`retention.ms brought to the configured value on ${t.join(', ')}`),
    );
  }
}
