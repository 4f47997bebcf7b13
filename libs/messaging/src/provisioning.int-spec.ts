import { ALL_TOPICS, dlqTopic, Topics } from '@ct/contracts';
import { Admin, ConfigResourceTypes } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { eventually, testKafka } from '../../../test/support/services';
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

/**
 * Waits until the broker describes `topic` with `want` (an AlterConfigs is committed by the
 * controller; the broker answering DescribeConfigs applies it a moment later).
 */
function settled(admin: Admin, topic: string, want: Record<string, string>): Promise<Record<string, string>> {
  return eventually(`${topic} described with ${JSON.stringify(want)}`, async () => {
    const got = (await topicConfigs(admin, [topic])).get(topic) ?? {};
    return Object.entries(want).every(([k, v]) => got[k] === v) && got;
  });
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
    await settled(admin, topic, { 'retention.ms': String(DAY) });

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
    await settled(admin, topic, { 'max.message.bytes': '2000000' });
    const changed: string[] = [];
    expect(
      await ensureTopics(kafka, [{ topic, numPartitions: 2, retentionMs: 3 * DAY }], (t) => changed.push(...t)),
    ).toEqual([]);
    expect(changed).toEqual([topic]);
    const after = await settled(admin, topic, { 'retention.ms': String(3 * DAY) });
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
      // Each awaited until described so (or the test fails naming it).
      await settled(admin, Topics.CHECKINS, { 'retention.ms': String(14 * DAY) });
      await settled(admin, Topics.TESTING, { 'retention.ms': String(60 * DAY) });
      await settled(admin, dlqTopic(Topics.CASES), { 'retention.ms': String(7 * DAY) });
    } finally {
      await provisionTopics(kafka, { checkins: 6, default: 3 }, DEFAULT_TOPIC_RETENTION);
    }
    const restored = await settled(admin, Topics.CHECKINS, { 'retention.ms': String(21 * DAY) });
    expect(Number(restored['retention.ms'])).toBe(21 * DAY);
  });
});
