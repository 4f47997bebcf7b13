import { createEvent, dlqTopic, EventEnvelope, Topics } from '@ct/contracts';
import { BaseEnv, loadConfig, TransactionHost } from '@ct/platform';
import { createServiceApp, ServiceCoreModule, ServiceDefinition, ServiceEnv } from '@ct/runtime';
import { Controller, DynamicModule, Module } from '@nestjs/common';
import { IsInt } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { db, eventually, http, startService, TestService } from '../../../test/support/services';
import { RunningBroker, startBroker } from '../../../tools/kafka/broker';
import { createKafka, parseBrokers } from './kafka';
import { provisionTopics } from './provisioning';
import { UnprocessableEvent } from './errors';
import { Outbox } from './outbox';
import { OutboxCache } from './outbox-cache';
import { EventPublisher } from './publisher';
import { BatchOutcome, HandleEvent } from './handle-event';
import { messagingTablesSql } from './messaging-migrations';
import { TopicTap } from './testing';

const SCHEMA = 'msgtest';

class MsgTestInit1763900000000 implements MigrationInterface {
  name = 'MsgTestInit1763900000000';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesSql(SCHEMA)) await q.query(sql);
    await q.query(`CREATE TABLE ${SCHEMA}.effects (case_id text PRIMARY KEY, n int NOT NULL, seq bigserial)`);
    // A permanent data error the contracts cannot see: a check-in id the table refuses (class 23, check violation).
    await q.query(
      `CREATE TABLE ${SCHEMA}.stays (check_in_id text PRIMARY KEY, venue_id text NOT NULL, CHECK (check_in_id NOT LIKE 'refused-%'), checked_in_at timestamptz NOT NULL)`,
    );
  }
  async down(): Promise<void> {}
}

const failures = new Map<string, number>();
const attempts = new Map<string, number>();
/** How the handler fails for a case id: set by a test before it publishes the event. */
const behaviours = new Map<string, 'pgdata' | 'broken' | 'outage'>();
const batchSizes: number[] = [];

/** Counts each CaseClosed it handles: a non-idempotent effect, so a second delivery would show. */
@Controller()
class CountingController {
  constructor(private readonly tx: TransactionHost) {}

  @HandleEvent('CaseClosed')
  async onClosed(e: EventEnvelope<'CaseClosed'>): Promise<void> {
    const id = e.payload.caseId;
    const behaviour = e.payload.personId;
    if (e.payload.closedAt.startsWith('1999'))
      throw new UnprocessableEvent(`case ${id} cannot be closed`, [{ field: 'caseId', problems: ['unknown case'] }]);
    attempts.set(id, (attempts.get(id) ?? 0) + 1);
    // PostgreSQL refuses the value (class 22, time zone displacement out of range): permanent.
    if (behaviours.get(id) === 'pgdata')
      await this.tx.manager.query(`SELECT $1::timestamptz`, ['2021-11-20T08:00:00+16:30']);
    // A bug: fails every time, with no classification.
    if (behaviours.get(id) === 'broken') throw new TypeError('cannot read properties of undefined');
    // The database away for a while (more attempts than the bounded retries allow).
    if (behaviours.get(id) === 'outage' && attempts.get(id)! <= 7)
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    if (behaviour.startsWith('flaky-') && (failures.get(id) ?? 0) < 2) {
      failures.set(id, (failures.get(id) ?? 0) + 1);
      throw new Error('database hiccup');
    }
    await this.tx.manager.query(
      `INSERT INTO ${SCHEMA}.effects (case_id, n) VALUES ($1, 1) ON CONFLICT (case_id) DO UPDATE SET n = effects.n + 1`,
      [id],
    );
  }
}

/** A batch handler that stores check-ins with one statement, as tracing does. */
@Controller()
class BatchController {
  constructor(private readonly tx: TransactionHost) {}

  @HandleEvent('CheckInRecorded', { batch: true })
  async onCheckIns(events: EventEnvelope<'CheckInRecorded'>[]): Promise<BatchOutcome> {
    batchSizes.push(events.length);
    const p = events.map((e) => e.payload);
    await this.tx.manager.query(
      `INSERT INTO ${SCHEMA}.stays (check_in_id, venue_id, checked_in_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[]::timestamptz[]) ON CONFLICT DO NOTHING`,
      [p.map((x) => x.checkInId), p.map((x) => x.venueId), p.map((x) => x.checkedInAt)],
    );
    return {};
  }
}

class MsgTestEnv extends BaseEnv {
  @IsInt() PORT = 1;
}

@Module({})
class MsgTestModule {
  static register(env: MsgTestEnv): DynamicModule {
    return {
      module: MsgTestModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: 'msgtest',
          schema: SCHEMA,
          env,
          entities: [],
          migrations: [MsgTestInit1763900000000],
        }),
      ],
      controllers: [CountingController, BatchController],
    };
  }
}

const MsgTest: ServiceDefinition<MsgTestEnv> = {
  name: 'msgtest',
  schema: SCHEMA,
  title: 'messaging test',
  description: 'messaging integration test service',
  envSchema: MsgTestEnv,
  migrations: [MsgTestInit1763900000000],
  module: (env) => MsgTestModule.register(env),
};

/** How the handler behaves: a personId starting flaky- fails twice; a closedAt in 1999 is unprocessable. */
const closed = (personId = `p-${randomUUID()}`, caseId = randomUUID()) =>
  createEvent(
    'CaseClosed',
    { caseId, personId, closedAt: '2021-11-25T00:00:00.000Z', outcome: 'RECOVERED' },
    { source: '/test' },
  );

/**
 * Runs on a broker of its own (a real one, started here): the file publishes thousands of synthetic
 * events of real types (1,200 declarations on cases.v1, poison check-ins). On the run's shared
 * broker they stayed on the services' topics, and the next file's tracing, whose group starts from
 * the beginning and takes one partition at a time, had to handle them all before the check-ins
 * that file was waiting for (feed, poison-checkins and area-scope timed out after it under load).
 */
describe('messaging: outbox, idempotent consumption, retries and dead letters on the real broker', () => {
  let broker: RunningBroker;
  let svc: TestService;
  let pg: Client;
  let topics: TopicTap;

  beforeAll(async () => {
    broker = await startBroker({ heapMb: 384, log: (l) => process.stderr.write(`[messaging.int-spec] ${l}\n`) });
    const kafka = createKafka({ brokers: parseBrokers(broker.brokers), clientId: 'msgtest-setup' });
    await provisionTopics(kafka, { checkins: 6, default: 3 });
    const env = loadConfig(MsgTestEnv, { ...process.env, PORT: '1', KAFKA_BROKERS: broker.brokers });
    const migrate = await createServiceApp(MsgTest as unknown as ServiceDefinition<ServiceEnv>, env, { migrate: true });
    await migrate.app.close();
    svc = await startService(MsgTest, { MESSAGING_RETRY_BACKOFF_MS: '20', KAFKA_BROKERS: broker.brokers });
    pg = await db();
    topics = await TopicTap.open(kafka, [Topics.CASES, dlqTopic(Topics.CASES), dlqTopic(Topics.CHECKINS)]);
  });

  afterAll(async () => {
    await Promise.all([svc?.close(), pg?.end(), topics?.close()]);
    await broker?.stop();
  });

  const effect = (caseId: string) =>
    eventually(
      `effect of ${caseId}`,
      async () => (await pg.query(`SELECT n FROM ${SCHEMA}.effects WHERE case_id = $1`, [caseId])).rows[0],
    );

  it('publishes committed outbox events in order per key and never those of a rolled-back transaction', async () => {
    const tx = svc.app.get(TransactionHost);
    const outbox = svc.app.get(Outbox);
    const keys = [`p-${randomUUID()}`, `p-${randomUUID()}`, `p-${randomUUID()}`];
    const sent: EventEnvelope<'CaseClosed'>[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const events = Array.from({ length: 12 }, (_, i) => closed(keys[i % keys.length]));
      await tx.run(() => outbox.add(...events));
      sent.push(...events);
    }
    const ghost = closed(keys[0]);
    await expect(
      tx.run(async () => {
        await outbox.add(ghost);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const ids = new Set(sent.map((e) => e.meta.id));
    const got = await topics.waitFor((m) => ids.has(String(m.headers?.ce_id)), sent.length);
    for (const key of keys) {
      const expected = sent.filter((e) => e.key === key).map((e) => e.meta.id);
      const actual = got.filter((m) => m.key?.toString() === key).map((m) => String(m.headers?.ce_id));
      expect(actual).toEqual(expected);
    }
    await effect(sent[sent.length - 1].payload.caseId);
    expect(topics.messages.some((m) => String(m.headers?.ce_id) === ghost.meta.id)).toBe(false);
    expect(await outbox.backlog()).toBe(0);
  });

  it('writes a burst with COPY and relays it in order, values with tabs, newlines, backslashes and quotes intact', async () => {
    const tx = svc.app.get(TransactionHost);
    const outbox = svc.app.get(Outbox);
    const key = `p-${randomUUID()}`;
    // 1,200 events: COPY (>= 100 per add) and more than one relay read of rows.
    const odd = ['tab\there', 'line\nbreak\r\n', 'back\\slash \\N', 'quote " and \'', 'Nguyễn Thị Ánh 🦠', '\\.'];
    // The outbox stores what it is given; an extra free-text field carries the awkward characters.
    const burst = Array.from({ length: 1200 }, (_, i) => {
      const e = createEvent(
        'ContactDeclared',
        {
          declarationId: randomUUID(),
          caseId: randomUUID(),
          sourcePersonId: key,
          personId: `c-${i}`,
          kind: 'HOUSEHOLD',
          startedAt: '2021-11-20T08:00:00.000Z',
          endedAt: '2021-11-20T09:00:00.000Z',
          declaredAt: '2021-11-21T00:00:00.000Z',
        },
        { source: '/test' },
      );
      return { ...e, payload: { ...e.payload, note: odd[i % odd.length] } } as EventEnvelope;
    });
    await tx.run(() => outbox.add(...burst));
    const ids = new Set(burst.map((e) => e.meta.id));
    const got = await topics.waitFor((m) => ids.has(String(m.headers?.ce_id)), burst.length, 60_000);
    expect(got.map((m) => String(m.headers?.ce_id))).toEqual(burst.map((e) => e.meta.id));
    expect(got.map((m) => m.value!.toString())).toEqual(burst.map((e) => JSON.stringify(e.payload)));
    expect(String(got[5].headers?.ce_type)).toBe('ContactDeclared');
    await eventually('the outbox drained', async () => (await outbox.backlog()) === 0);
    // Rows handed to the relay in memory were all taken (or dropped once the table was empty): nothing stays behind.
    await eventually('the relay cache empty', async () => svc.app.get(OutboxCache).size === 0);
  });

  it('wakes its own relay in-process after commit, without NOTIFY, and never for a rolled-back transaction', async () => {
    const tx = svc.app.get(TransactionHost);
    const outbox = svc.app.get(Outbox);
    const cache = svc.app.get(OutboxCache);
    await eventually('this process leads the relay', async () => cache.enabled);
    const listener = await db();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(n.channel));
    await listener.query(`LISTEN ct_outbox_${SCHEMA}`);
    const wake = jest.spyOn(cache, 'wake');
    try {
      const kept = closed();
      let wokenBeforeCommit = -1;
      await tx.run(async () => {
        await outbox.add(kept);
        wokenBeforeCommit = wake.mock.calls.length;
      });
      expect(wokenBeforeCommit).toBe(0);
      expect(wake).toHaveBeenCalledTimes(1);
      await expect(
        tx.run(async () => {
          await outbox.add(closed());
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(wake).toHaveBeenCalledTimes(1);
      // A guarded change outside a transaction (Outbox.addIf): woken when it changed a row, not otherwise.
      const id = randomUUID();
      await pg.query(`INSERT INTO ${SCHEMA}.effects (case_id, n) VALUES ($1, 1)`, [id]);
      const change = (from: number) => ({
        sql: `UPDATE ${SCHEMA}.effects SET n = n + 1 WHERE case_id = $1 AND n = $2 RETURNING case_id AS id`,
        params: [id, from],
      });
      expect(await outbox.addIf(change(1), closed())).toBe(1);
      expect(await outbox.addIf(change(1), closed())).toBe(0);
      expect(wake).toHaveBeenCalledTimes(2);
      await topics.waitFor((m) => String(m.headers?.ce_id) === kept.meta.id);
      await new Promise((r) => setTimeout(r, 200)); // a NOTIFY would have reached the listener by now
      expect(notified).toEqual([]);
    } finally {
      await listener.end();
    }
  });

  it('runs work registered with afterCommit once the transaction commits, never after a rollback', async () => {
    const tx = svc.app.get(TransactionHost);
    const seen: string[] = [];
    const id = randomUUID();
    await tx.run(async () => {
      await tx.manager.query(`INSERT INTO ${SCHEMA}.effects (case_id, n) VALUES ($1, 1)`, [id]);
      await tx.run(() =>
        tx.afterCommit(async () => {
          // Outside the transaction, after its commit: another connection sees the row.
          const other = await pg.query(`SELECT n FROM ${SCHEMA}.effects WHERE case_id = $1`, [id]);
          seen.push(`after commit: ${other.rows.length} row, in transaction: ${tx.inTransaction}`);
        }),
      );
      seen.push('body done');
    });
    expect(seen).toEqual(['body done', 'after commit: 1 row, in transaction: false']);
    await expect(
      tx.run(async () => {
        await tx.afterCommit(async () => void seen.push('must not run'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(seen).toHaveLength(2);
  });

  it('has one effect for an event delivered twice', async () => {
    const e = closed();
    await svc.app.get(EventPublisher).publish([e, e]);
    const marker = closed(e.payload.personId);
    await svc.app.get(EventPublisher).publish([marker]);
    await effect(marker.payload.caseId);
    expect((await effect(e.payload.caseId)).n).toBe(1);
  });

  it('retries a transient failure without skipping it or what follows on the partition', async () => {
    const key = `flaky-${randomUUID()}`;
    const flaky = closed(key);
    const next = closed(key, randomUUID());
    failures.set(next.payload.caseId, 2);
    await svc.app.get(EventPublisher).publish([flaky, next]);
    const after = await effect(next.payload.caseId);
    const first = await effect(flaky.payload.caseId);
    expect(first.n).toBe(1);
    expect(after.n).toBe(1);
    expect(failures.get(flaky.payload.caseId)).toBe(2);
    const { rows } = await pg.query(`SELECT case_id FROM ${SCHEMA}.effects WHERE case_id = ANY($1) ORDER BY seq`, [
      [flaky.payload.caseId, next.payload.caseId],
    ]);
    expect(rows.map((r) => r.case_id)).toEqual([flaky.payload.caseId, next.payload.caseId]);
  });

  it('dead-letters an event the handler rejects, with the reason and the original headers, and moves on', async () => {
    const key = `p-${randomUUID()}`;
    const rejected = createEvent(
      'CaseClosed',
      { ...closed(key).payload, closedAt: '1999-01-01T00:00:00.000Z' },
      { source: '/test' },
    );
    const next = closed(key);
    await svc.app.get(EventPublisher).publish([rejected, next]);
    await effect(next.payload.caseId);
    const [dead] = await topics.waitFor(
      (m) => m.topic === dlqTopic(Topics.CASES) && String(m.headers?.ce_id) === rejected.meta.id,
    );
    expect(String(dead.headers?.dlq_reason)).toBe(`case ${rejected.payload.caseId} cannot be closed`);
    expect(JSON.parse(String(dead.headers?.dlq_fields))).toEqual([{ field: 'caseId', problems: ['unknown case'] }]);
    expect(String(dead.headers?.ce_type)).toBe('CaseClosed');
    expect(String(dead.headers?.dlq_group)).toBe('msgtest');
    expect(JSON.parse(dead.value!.toString())).toEqual(rejected.payload);
    const { rows } = await pg.query(`SELECT 1 FROM ${SCHEMA}.effects WHERE case_id = $1`, [rejected.payload.caseId]);
    expect(rows).toHaveLength(0);
  });

  const deadLetter = async (topic: string, eventId: string) =>
    (await topics.waitFor((m) => m.topic === dlqTopic(topic) && String(m.headers?.ce_id) === eventId))[0];

  /** A failing CaseClosed and the next one of the same person (same partition): the next one's effect, then the dead letter. */
  const poisonThenNext = async (behaviour: 'pgdata' | 'broken') => {
    const key = `p-${randomUUID()}`;
    const poison = closed(key);
    behaviours.set(poison.payload.caseId, behaviour);
    const after = closed(key);
    await svc.app.get(EventPublisher).publish([poison, after]);
    await effect(after.payload.caseId);
    return { poison, dead: await deadLetter(Topics.CASES, poison.meta.id) };
  };

  it('dead-letters at once an event PostgreSQL refuses as data (class 22), and handles the next one of the partition', async () => {
    const { poison, dead } = await poisonThenNext('pgdata');
    expect(String(dead.headers?.dlq_category)).toBe('pg_22009');
    expect(String(dead.headers?.dlq_attempts)).toBe('1');
    expect(String(dead.headers?.dlq_reason)).toMatch(/^PostgreSQL 22009: time zone displacement out of range/);
    // The offending value is not repeated in the reason (it may be personal data).
    expect(String(dead.headers?.dlq_reason)).not.toContain('16:30');
    expect(attempts.get(poison.payload.caseId)).toBe(1);
    const { rows } = await pg.query(`SELECT 1 FROM ${SCHEMA}.effects WHERE case_id = $1`, [poison.payload.caseId]);
    expect(rows).toHaveLength(0);
  });

  it('retries an unclassified failure 5 times with backoff, then dead-letters it with the count, and moves on', async () => {
    const { poison, dead } = await poisonThenNext('broken');
    expect(String(dead.headers?.dlq_category)).toBe('exhausted');
    expect(String(dead.headers?.dlq_attempts)).toBe('5');
    expect(String(dead.headers?.dlq_reason)).toBe('failed 5 times: TypeError: cannot read properties of undefined');
    expect(attempts.get(poison.payload.caseId)).toBe(5);
    const metrics = await http(svc.url, 'GET', '/metrics', { role: 'ops' });
    expect(metrics.body).toMatch(
      /messaging_dead_letters_total\{topic="cases\.v1",category="exhausted",service="msgtest"\} [1-9]/,
    );
    expect(metrics.body).toMatch(
      /messaging_retries_total\{topic="cases\.v1",kind="unknown",service="msgtest"\} ([4-9]|\d\d)/,
    );
  });

  it('retries an infrastructure failure beyond the bounded attempts and never dead-letters it', async () => {
    const e = closed();
    behaviours.set(e.payload.caseId, 'outage');
    await svc.app.get(EventPublisher).publish([e]);
    expect((await effect(e.payload.caseId)).n).toBe(1);
    expect(attempts.get(e.payload.caseId)).toBe(8);
    const marker = closed(`p-${randomUUID()}`);
    await svc.app.get(EventPublisher).publish([marker]);
    await effect(marker.payload.caseId);
    expect(
      topics.messages.some((m) => m.topic === dlqTopic(Topics.CASES) && String(m.headers?.ce_id) === e.meta.id),
    ).toBe(false);
    const metrics = await http(svc.url, 'GET', '/metrics', { role: 'ops' });
    expect(metrics.body).toMatch(
      /messaging_retries_total\{topic="cases\.v1",kind="infrastructure",service="msgtest"\} ([7-9]|\d\d)/,
    );
  });

  it('splits a failing batch: the good rows are stored, the bad ones dead-lettered with the reason, the partition moves on', async () => {
    const venue = `v-${randomUUID()}`;
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const checkIns = Array.from({ length: 60 }, (_, i) => ({
      checkInId: `ci-${randomUUID()}`,
      personId: `p-${i}`,
      venueId: venue,
      checkedInAt: at,
      checkedOutAt: null,
      source: 'test-feed',
    }));
    const poisonIndex = [7, 41];
    // One venue, so one partition; two check-in ids the table refuses (class 23), which the contract accepts.
    for (const i of poisonIndex) checkIns[i].checkInId = `refused-${randomUUID()}`;
    const events = checkIns.map((c) => createEvent('CheckInRecorded', c, { source: '/test' }));
    await svc.app.get(EventPublisher).publish(events);
    const good = checkIns.filter((_, i) => !poisonIndex.includes(i)).map((c) => c.checkInId);
    await eventually(
      '58 stays',
      async () =>
        Number(
          (await pg.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.stays WHERE check_in_id = ANY($1)`, [good])).rows[0]
            .n,
        ) === 58,
    );
    for (const i of poisonIndex) {
      const dead = await deadLetter(Topics.CHECKINS, events[i].meta.id);
      expect(String(dead.headers?.dlq_category)).toBe('pg_23514');
      expect(String(dead.headers?.dlq_reason)).toMatch(
        /^PostgreSQL 23514: new row for relation "…" violates check constraint "…"$/,
      );
      expect(JSON.parse(dead.value!.toString()).checkInId).toBe(checkIns[i].checkInId);
    }
    const stored = await pg.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.stays WHERE check_in_id = ANY($1)`, [
      checkIns.map((c) => c.checkInId),
    ]);
    expect(stored.rows[0].n).toBe(58);
    // The partition moves on: a later check-in at the same venue is stored.
    const next = createEvent(
      'CheckInRecorded',
      { ...checkIns[0], checkInId: `ci-${randomUUID()}` },
      { source: '/test' },
    );
    // The batch was split (the handler saw smaller slices than the batch) rather than refused whole.
    expect(batchSizes.some((n) => n === 1)).toBe(true);
    await svc.app.get(EventPublisher).publish([next]);
    await eventually(
      'the next check-in stored',
      async () =>
        (await pg.query(`SELECT 1 FROM ${SCHEMA}.stays WHERE check_in_id = $1`, [next.payload.checkInId])).rows[0],
    );
  });

  it('does not dead-letter a message twice when its batch is delivered again (the group rewound past it)', async () => {
    const key = `p-${randomUUID()}`;
    const rejected = createEvent(
      'CaseClosed',
      { ...closed(key).payload, closedAt: '1999-01-01T00:00:00.000Z' },
      { source: '/test' },
    );
    await svc.app.get(EventPublisher).publish([rejected]);
    const dead = await deadLetter(Topics.CASES, rejected.meta.id);
    const partition = Number(String(dead.headers?.dlq_partition));
    const offset = String(dead.headers?.dlq_offset);
    // What a partition moved before its offset was committed does: the same messages come again.
    await svc.close();
    const admin = createKafka({ brokers: parseBrokers(broker.brokers), clientId: 'msgtest-rewind' }).admin();
    await admin.connect();
    await admin.setOffsets({ groupId: 'msgtest', topic: Topics.CASES, partitions: [{ partition, offset }] });
    await admin.disconnect();
    svc = await startService(MsgTest, { MESSAGING_RETRY_BACKOFF_MS: '20', KAFKA_BROKERS: broker.brokers });
    const next = closed(key);
    await svc.app.get(EventPublisher).publish([next]);
    await effect(next.payload.caseId);
    const letters = topics.messages.filter(
      (m) => m.topic === dlqTopic(Topics.CASES) && String(m.headers?.ce_id) === rejected.meta.id,
    );
    expect(letters).toHaveLength(1);
    const ledger = await pg.query(`SELECT event_id FROM ${SCHEMA}.inbox WHERE consumer = 'dead-letter:msgtest'`);
    expect(ledger.rows.map((r) => r.event_id)).toContainEqual(
      expect.stringMatching(new RegExp(`^${Topics.CASES.replace('.', '\\.')}:${partition}:${offset}:`)),
    );
  });
});
