import { dlqTopic, EVENT_TYPES, EventDefinition, EventType, toKafkaHeaders } from '@ct/contracts';
import { samplePlain } from '@ct/contracts/testing/samples';
import { createKafka, parseBrokers } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Admin, Producer } from 'kafkajs';
import { RunningBroker, startBroker } from '../../tools/kafka/broker';
import { figure, provision, seconds, spawnService, stopAll, timeUntil, waitFor } from './support';

/** Who consumes what (the services' @HandleEvent handlers). */
const CONSUMERS: Record<string, EventType[]> = {
  tracing: ['CheckInRecorded', 'CaseConfirmed', 'ContactDeclared'],
  cases: [
    'ContactIdentified',
    'QuarantineOrdered',
    'QuarantineExtended',
    'QuarantineEnded',
    'QuarantineTransferred',
    'TestScheduled',
    'TestResultRecorded',
    'ExposureSiteVisitorIdentified',
  ],
  quarantine: ['CaseConfirmed', 'CaseClosed', 'ContactIdentified', 'PersonProfileChanged'],
  ops: ['CaseConfirmed', 'QuarantineOrdered', 'QuarantineEnded', 'ContactIdentified', 'ContactWithdrawn'],
};

interface Sent {
  group: string;
  type: EventType;
  kind: string;
  topic: string;
  partition: number;
  offset: bigint;
  id: string;
}

/**
 * Poison on every consumer (issue 12): for every event type each service consumes, a value that
 * is not JSON, a timestamp with a +16:30 offset and a NUL character in the key field, written
 * straight onto the topic. Every consuming group must move past every poison (its committed
 * offset passes it) and dead-letter what it cannot process, naming itself; no service may crash.
 */
describe('faults: poison messages on every consumer', () => {
  let broker: RunningBroker;
  let producer: Producer;
  let admin: Admin;
  let dlq: TopicTap;

  beforeAll(async () => {
    broker = await startBroker({ heapMb: 384, log: (l) => process.stderr.write(`${l}\n`) });
    await provision(broker.brokers);
    const kafka = createKafka({ brokers: parseBrokers(broker.brokers), clientId: 'faults-poison' });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
    const topics = [
      ...new Set(
        Object.values(CONSUMERS)
          .flat()
          .map((t) => EVENT_TYPES[t].topic),
      ),
    ];
    dlq = await TopicTap.open(
      kafka,
      topics.map((t) => dlqTopic(t)),
    );
  });

  afterAll(async () => {
    await stopAll();
    await Promise.all([producer?.disconnect(), admin?.disconnect(), dlq?.close()]);
    await broker?.stop();
  });

  it('every consuming group moves past every poison, dead-letters the unparsable ones, and no service stops', async () => {
    const procs = await Promise.all(
      Object.keys(CONSUMERS).map((app) =>
        spawnService(app, { KAFKA_BROKERS: broker.brokers, RETENTION_INTERVAL_MINUTES: '10080' }),
      ),
    );
    await Promise.all(procs.map((p) => timeUntil(p, '/health/ready', p.spawnedAt, 120_000)));

    const sent: Sent[] = [];
    const types = [...new Set(Object.values(CONSUMERS).flat())];
    const started = Date.now();
    for (const type of types) {
      const def = EVENT_TYPES[type] as unknown as EventDefinition<object>;
      const topic = def.topic;
      const payload = samplePlain(type);
      const key = String(def.key(payload));
      const keyField = Object.keys(payload).find((k) => payload[k] === key)!;
      const tsField = Object.keys(payload).find(
        (k) => typeof payload[k] === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(payload[k]),
      );
      const poisons: { kind: string; key: string; value: string }[] = [
        { kind: 'not JSON', key, value: '{"truncated": ' },
        {
          kind: 'NUL in the key field',
          key: `${key}\u0000x`,
          value: JSON.stringify({ ...payload, [keyField]: `${key}\u0000x` }),
        },
        ...(tsField
          ? [
              {
                kind: 'offset +16:30',
                key,
                value: JSON.stringify({ ...payload, [tsField]: '2021-11-20T08:00:00.000+16:30' }),
              },
            ]
          : []),
      ];
      for (const p of poisons) {
        const id = randomUUID();
        const headers = toKafkaHeaders({
          id,
          type,
          source: '/faults/poison',
          time: new Date().toISOString(),
          correlationId: id,
          causationId: null,
        });
        const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: p.key, value: p.value, headers }] });
        for (const [group, handled] of Object.entries(CONSUMERS)) {
          if (handled.includes(type))
            sent.push({
              group,
              type,
              kind: p.kind,
              topic,
              partition: meta.partition,
              offset: BigInt(meta.baseOffset!),
              id,
            });
        }
      }
    }

    // Every group past every poison of its topics.
    await waitFor(
      'every group past every poison',
      async () => {
        for (const group of Object.keys(CONSUMERS)) {
          const mine = sent.filter((s) => s.group === group);
          const topics = [...new Set(mine.map((s) => s.topic))];
          const committed = await admin.fetchOffsets({ groupId: group, topics });
          for (const s of mine) {
            const c =
              committed.find((t) => t.topic === s.topic)?.partitions.find((p) => p.partition === s.partition)?.offset ??
              '-1';
            if (BigInt(c) <= s.offset) return false;
          }
        }
        return true;
      },
      120_000,
      250,
    );
    const movedOn = Date.now() - started;

    // The unparsable ones dead-lettered by every group that consumes them, naming the group.
    const unparsable = sent.filter((s) => s.kind === 'not JSON');
    for (const s of unparsable) {
      await dlq.waitFor((m) => String(m.headers?.ce_id) === s.id && String(m.headers?.dlq_group) === s.group);
    }
    const dead = dlq.messages.filter((m) => sent.some((s) => s.id === String(m.headers?.ce_id)));
    const byCategory = new Map<string, number>();
    for (const m of dead)
      byCategory.set(String(m.headers?.dlq_category), (byCategory.get(String(m.headers?.dlq_category)) ?? 0) + 1);
    // No dead letter repeats a poison for the same group (nothing retried into the DLQ twice).
    const pairs = dead.map((m) => `${m.headers?.ce_id}|${m.headers?.dlq_group}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const p of procs) expect((await fetch(`${p.base}/health/ready`)).status).toBe(200);

    figure('poison on every consumer', 'poison deliveries (group x message)', sent.length);
    figure('poison on every consumer', 'every group past every poison after (s)', seconds(movedOn));
    figure(
      'poison on every consumer',
      'dead letters by category',
      [...byCategory].map(([k, v]) => `${k} ${v}`).join(', '),
    );
    // A group that subscribes to a topic dead-letters an unparsable message there even when it has no
    // handler for its type: those are counted apart from the (group, message) pairs sent above.
    const expected = new Set(sent.map((s) => `${s.id}|${s.group}`));
    const ofSent = dead.filter((m) => expected.has(`${m.headers?.ce_id}|${m.headers?.dlq_group}`)).length;
    figure('poison on every consumer', 'handled without error (not dead-lettered)', sent.length - ofSent);
    figure('poison on every consumer', 'dead-lettered by other groups subscribed to the topic', dead.length - ofSent);
  });
});
