import { ALL_TOPICS, dlqTopic } from '@ct/contracts';
import { classifyFailure, KafkaAdmin, RawConsumer, RawConsumers, TappedMessage, TopicLag } from '@ct/messaging';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { StallFlag, StallTracker } from './stall';
import { DataSource } from 'typeorm';
import { OpsEnv } from '../config';
import { toObserved, TopicStats } from './topic-stats';

/** Consumer groups whose lag ops reports (checkin-gateway only produces: it has no group). */
export const SERVICE_GROUPS = ['tracing', 'cases', 'quarantine', 'ops'] as const;

export const MONITORED_TOPICS: string[] = [...ALL_TOPICS, ...ALL_TOPICS.map(dlqTopic)];

export interface GroupLag {
  group: string;
  lag: number;
  topics: TopicLag[];
  /** Partitions with lag whose committed offset has not moved for OPS_STALL_AFTER_MS. */
  stalled: StallFlag[];
}

/**
 * The topic monitor: one raw consumer (group OPS_MONITOR_GROUP) on every topic and every .dlq. It
 * keeps counts, rates and the latest events in memory, and persists every dead letter in
 * ops.dlq_entries (idempotent on the DLQ message's coordinates) so replay survives restarts.
 */
@Injectable()
export class TopicMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TopicMonitor.name);
  private readonly stats = new Map<string, TopicStats>();
  private consumer?: RawConsumer;
  private readonly stalls: StallTracker;
  readonly startedAt = new Date().toISOString();

  constructor(
    private readonly consumers: RawConsumers,
    private readonly admin: KafkaAdmin,
    private readonly ds: DataSource,
    @Inject(SERVICE_ENV) private readonly env: OpsEnv,
  ) {
    for (const t of MONITORED_TOPICS) this.stats.set(t, new TopicStats(t, env.OPS_RECENT_EVENTS));
    this.stalls = new StallTracker(env.OPS_STALL_AFTER_MS);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.consumers.start({ groupId: this.env.OPS_MONITOR_GROUP, topics: MONITORED_TOPICS }, (m) =>
      this.observe(m),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private async observe(m: TappedMessage): Promise<void> {
    const e = toObserved(m);
    if (m.topic.endsWith('.dlq')) {
      try {
        await this.recordDeadLetter(m.topic, e);
      } catch (err) {
        // A dead letter is a poison by nature: one PostgreSQL refuses as data (a NUL byte in its
        // value or headers) is stored with the offending characters replaced, never retried forever.
        const f = classifyFailure(err);
        if (f.kind !== 'permanent') throw err;
        this.logger.warn({
          msg: 'dead letter refused by the database; stored with unsafe characters replaced',
          topic: m.topic,
          partition: m.partition,
          offset: m.offset,
          reason: f.reason,
        });
        await this.recordDeadLetter(m.topic, scrub(e));
      }
    }
    this.stats.get(m.topic)?.add(e);
  }

  private async recordDeadLetter(topic: string, e: ReturnType<typeof toObserved>): Promise<void> {
    const h = e.headers;
    let fields: unknown;
    try {
      fields = h.dlq_fields ? JSON.parse(h.dlq_fields) : null;
    } catch {
      fields = h.dlq_fields; // kept as text
    }
    const value = typeof e.payload === 'string' ? e.payload : e.payload === null ? null : JSON.stringify(e.payload);
    const deadAt = h.dlq_time && !Number.isNaN(Date.parse(h.dlq_time)) ? h.dlq_time : e.timestamp;
    await this.ds.query(
      `INSERT INTO ops.dlq_entries (dlq_topic, dlq_partition, dlq_offset, original_topic, original_partition, original_offset,
         event_type, event_id, message_key, reason, fields, failed_group, headers, value, dead_lettered_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
       ON CONFLICT (dlq_topic, dlq_partition, dlq_offset) DO NOTHING`,
      [
        topic,
        e.partition,
        e.offset,
        h.dlq_topic ?? topic.replace(/\.dlq$/, ''),
        h.dlq_partition ? Number(h.dlq_partition) : null,
        h.dlq_offset ?? null,
        h.ce_type ?? null,
        h.ce_id ?? null,
        e.key,
        h.dlq_reason ?? '(no reason given)',
        fields === null ? null : JSON.stringify(fields),
        h.dlq_group ?? null,
        JSON.stringify(h),
        value,
        deadAt,
      ],
    );
    this.logger.warn({
      msg: 'dead letter recorded',
      topic,
      reason: h.dlq_reason,
      eventId: h.ce_id,
      group: h.dlq_group,
    });
  }

  topics(now = Date.now()) {
    return [...this.stats.values()].map((s) => s.summary(now));
  }

  events(topic: string, limit: number) {
    return this.stats.get(topic)?.latest(limit);
  }

  /** Lag of every service's group on the topics it consumes (those it committed offsets on). */
  async lag(): Promise<GroupLag[]> {
    const groups = [...SERVICE_GROUPS, this.env.OPS_MONITOR_GROUP];
    return Promise.all(
      groups.map(async (group) => {
        const topics = await this.admin.groupLag(group, MONITORED_TOPICS);
        const now = Date.now();
        const stalled = topics.flatMap((t) =>
          t.partitions
            .map((p) => this.stalls.observe(group, t.topic, p.partition, p.committed, p.lag, now))
            .filter((f): f is StallFlag => f !== null),
        );
        return { group, lag: topics.reduce((s, t) => s + t.lag, 0), topics, stalled };
      }),
    );
  }
}

/** NUL characters (text and jsonb refuse them) replaced by U+FFFD, everywhere in a dead letter. */
function scrub<T>(v: T): T {
  if (typeof v === 'string') return v.replace(/\u0000/g, '\ufffd') as T;
  if (Array.isArray(v)) return v.map(scrub) as T;
  if (v && typeof v === 'object' && !Buffer.isBuffer(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), scrub(x)])) as T;
  return v;
}
