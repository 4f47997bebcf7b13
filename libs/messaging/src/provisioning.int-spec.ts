import { ALL_TOPICS, dlqTopic, Topics } from '@ct/contracts';
import { Admin, ConfigResourceTypes } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { testKafka } from '../../../test/support/services';
import { ensureTopics, provisionTopics } from './provisioning';
import { DEFAULT_TOPIC_RETENTION, TopicRetention } from './topic-retention';

const DAY = 86_400_000;

/** The topics' own (dynamic) settings, as the broker describes them. */
async function topicConfigs(admin: Admin, topics: string[]): Promise<Map<string, Record<string, string>>> {
  const d = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  return new Map(
    d.resources.map((r) => [
      r.resourceName,
      Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue ?? ''])),
    ]),
  );
}

describe('topic provisioning: retention.ms (real broker)', () => {
  const kafka = testKafka('provisioning-test');
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('gives every topic and .dlq the default retention at creation (21 days for check-ins and contacts, 30 for events)', async () => {
    // The global setup provisioned the topics with the defaults.
    const all = [...ALL_TOPICS, ...ALL_TOPICS.map(dlqTopic)];
    const configs = await topicConfigs(admin, all);
    const retention = (t: string) => Number(configs.get(t)?.['retention.ms']);
    expect(retention(Topics.CHECKINS)).toBe(21 * DAY);
    expect(retention(Topics.CONTACTS)).toBe(21 * DAY);
    expect(retention(Topics.CASES)).toBe(30 * DAY);
    expect(retention(Topics.QUARANTINE)).toBe(30 * DAY);
    for (const t of ALL_TOPICS) expect(retention(dlqTopic(t))).toBe(21 * DAY);
  });

  it('creates a topic with its retention and brings an existing one to a new value, keeping its other settings', async () => {
    const topic = `retention-test-${randomUUID()}`;
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 2, retentionMs: DAY }])).toEqual([topic]);
    expect((await topicConfigs(admin, [topic])).get(topic)!['retention.ms']).toBe(String(DAY));

    // An operator's own setting on the topic survives the change (AlterConfigs replaces them all).
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [
            { name: 'retention.ms', value: String(DAY) },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });
    const changed: string[] = [];
    expect(
      await ensureTopics(kafka, [{ topic, numPartitions: 2, retentionMs: 3 * DAY }], (t) => changed.push(...t)),
    ).toEqual([]);
    expect(changed).toEqual([topic]);
    const after = (await topicConfigs(admin, [topic])).get(topic)!;
    expect(after['retention.ms']).toBe(String(3 * DAY));
    expect(after['max.message.bytes']).toBe('2000000');
    // Already as configured: nothing is altered.
    await ensureTopics(kafka, [{ topic, numPartitions: 2, retentionMs: 3 * DAY }], (t) => changed.push(...t));
    expect(changed).toEqual([topic]);
    await admin.deleteTopics({ topics: [topic] });
  });

  it('re-provisioning the service topics with another configured retention alters them (then back to the defaults)', async () => {
    const changed: TopicRetention = { checkinsMs: 14 * DAY, eventsMs: 60 * DAY, dlqMs: 7 * DAY };
    try {
      expect(await provisionTopics(kafka, { checkins: 6, default: 3 }, changed)).toEqual([]);
      const configs = await topicConfigs(admin, [Topics.CHECKINS, Topics.TESTING, dlqTopic(Topics.CASES)]);
      expect(Number(configs.get(Topics.CHECKINS)!['retention.ms'])).toBe(14 * DAY);
      expect(Number(configs.get(Topics.TESTING)!['retention.ms'])).toBe(60 * DAY);
      expect(Number(configs.get(dlqTopic(Topics.CASES))!['retention.ms'])).toBe(7 * DAY);
    } finally {
      await provisionTopics(kafka, { checkins: 6, default: 3 }, DEFAULT_TOPIC_RETENTION);
    }
    const restored = await topicConfigs(admin, [Topics.CHECKINS]);
    expect(Number(restored.get(Topics.CHECKINS)!['retention.ms'])).toBe(21 * DAY);
  });
});
