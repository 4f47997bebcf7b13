import { Topics } from '@ct/contracts';
import { Admin, ConfigResourceTypes, ConfigSource } from 'kafkajs';

const DAY_MS = 86_400_000;

/**
 * How long the broker keeps each kind of topic (`retention.ms`), in milliseconds; null leaves the
 * broker's default (`log.retention.hours`, 7 days unless changed), which production refuses.
 */
export interface TopicRetention {
  /** checkins.v1, and contacts.v1 (venues and times of stays: derived from check-ins). */
  checkinsMs: number | null;
  /** cases.v1, quarantine.v1, testing.v1, surveillance.v1, care.v1. */
  eventsMs: number | null;
  /** Every `<topic>.dlq` (dead letters carry the original payload). */
  dlqMs: number | null;
}

/** The defaults: the 21-day rule for check-ins and what is derived from them, 30 days for the other events. */
export const DEFAULT_TOPIC_RETENTION: TopicRetention = {
  checkinsMs: 21 * DAY_MS,
  eventsMs: 30 * DAY_MS,
  dlqMs: 21 * DAY_MS,
};

/** From days as configured (KAFKA_RETENTION_*_DAYS); 0 = the broker's default. */
export function topicRetentionFromDays(days: { checkins: number; events: number; dlq: number }): TopicRetention {
  const ms = (d: number) => (d > 0 ? Math.round(d * DAY_MS) : null);
  return { checkinsMs: ms(days.checkins), eventsMs: ms(days.events), dlqMs: ms(days.dlq) };
}

const CHECKIN_DERIVED: readonly string[] = [Topics.CHECKINS, Topics.CONTACTS];

/** retention.ms for a topic (a .dlq takes the dead-letter retention), null for the broker's default. */
export function retentionFor(topic: string, r: TopicRetention): number | null {
  if (topic.endsWith('.dlq')) return r.dlqMs;
  return CHECKIN_DERIVED.includes(topic) ? r.checkinsMs : r.eventsMs;
}

/**
 * Brings existing topics' retention.ms to the wanted value. AlterConfigs (the API kafkajs speaks)
 * replaces a topic's whole dynamic configuration, so the topic's other dynamic settings are read
 * first and sent again unchanged. Returns the topics that were changed.
 */
export async function alignRetention(
  admin: Admin,
  wanted: { topic: string; retentionMs: number }[],
): Promise<string[]> {
  if (wanted.length === 0) return [];
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: wanted.map((w) => ({ type: ConfigResourceTypes.TOPIC, name: w.topic })),
  });
  const resources = described.resources.flatMap((res) => {
    const want = wanted.find((w) => w.topic === res.resourceName);
    if (!want) return [];
    const current = res.configEntries.find((e) => e.configName === 'retention.ms');
    if (current && Number(current.configValue) === want.retentionMs) return [];
    const own = res.configEntries
      .filter((e) => e.configName !== 'retention.ms' && e.configValue !== null && isTopicOwn(e))
      .map((e) => ({ name: e.configName, value: e.configValue }));
    return [
      {
        type: ConfigResourceTypes.TOPIC,
        name: res.resourceName,
        configEntries: [...own, { name: 'retention.ms', value: String(want.retentionMs) }],
      },
    ];
  });
  if (resources.length > 0) await admin.alterConfigs({ validateOnly: false, resources });
  return resources.map((r) => r.name);
}

function isTopicOwn(e: { configSource?: ConfigSource; isDefault: boolean }): boolean {
  return e.configSource === undefined ? !e.isDefault : e.configSource === ConfigSource.TOPIC_CONFIG;
}
