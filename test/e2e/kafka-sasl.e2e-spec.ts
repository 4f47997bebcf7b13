import { dlqTopic, Topics } from '@ct/contracts';
import { AclRule, applyAcls, createKafka, EventPublisher, MessagingObserver, provisionTopics } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { KafkaClientEnv, kafkaSecurity, loadConfig } from '@ct/platform';
import { Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { OpsService } from '../../apps/ops/src/service';
import { TracingService } from '../../apps/tracing/src/service';
import { CsvRow } from '../../tools/feed/csv';
import { publishRows } from '../../tools/feed/replay';
import { projectAclPlan, projectPrincipals } from '../../tools/kafka/acls';
import { makeBrokerTls, RunningBroker, startBroker, SUPER_USER } from '../../tools/kafka/broker';
import { db, eventually, http, startService, TestService, tokenFor } from '../support/services';

jest.setTimeout(180_000);

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A message's JSON payload, or {} (the test also writes a message that is not an event). */
function payloadOf(value: Buffer | string | null): Record<string, unknown> {
  try {
    return JSON.parse(value?.toString() ?? '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The type of a kafkajs error or of one of its causes (a refused request is wrapped by the retrier). */
function errorTypes(err: unknown): string[] {
  const types: string[] = [];
  for (let e = err as { type?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.type) types.push(e.type);
  return types;
}

/**
 * Issue 14, item 4: the project's broker with a SASL_SSL listener (a CA and a broker certificate
 * made here, SCRAM-SHA-512 users made at format time, KRaft's StandardAuthorizer with nothing
 * allowed without an ACL), the ACLs applied from the code's declarations, and two services
 * working over it as their own principals, each allowed only what it owns.
 */
describe('Kafka over SASL_SSL with one principal per service and ACLs from the code', () => {
  let dir: string;
  let broker: RunningBroker;
  let caFile: string;
  let passwords: Record<string, string>;
  let tracing: TestService | undefined;
  let cases: TestService | undefined;
  let ops: TestService | undefined;
  let contacts: TopicTap | undefined;
  let deadLetters: TopicTap | undefined;
  let plan: AclRule[];
  let pg: Client;

  /** The environment a client of `user` is configured with (KAFKA_SASL_PASSWORD_FILE for the services). */
  const saslEnv = (user: string, password: Record<string, string> = { KAFKA_SASL_PASSWORD: passwords[user] }) => ({
    KAFKA_BROKERS: broker.brokers,
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SASL_USERNAME: user,
    KAFKA_SSL_CA_FILE: caFile,
    ...password,
  });
  const kafkaAs = (user: string, password = passwords[user]) => {
    const env = loadConfig(KafkaClientEnv, saslEnv(user, { KAFKA_SASL_PASSWORD: password }));
    return createKafka({ brokers: [broker.brokers], clientId: `sasl-test-${user}`, security: kafkaSecurity(env) });
  };
  const serviceEnv = async (user: string) => {
    const file = join(dir, `${user}.password`);
    await fsp.writeFile(file, `${passwords[user]}\n`, { mode: 0o600 });
    // Topics are the admin's to create: the services' principals have no CREATE.
    return { ...saslEnv(user, { KAFKA_SASL_PASSWORD_FILE: file }), KAFKA_PROVISION_TOPICS: 'false' };
  };

  /** Check-ins published the feed CLI's way (publishRows + EventPublisher) as the `feed` principal. */
  const feedCheckIns = async (rows: CsvRow[]) => {
    const feed = new EventPublisher(kafkaAs('feed'), new MessagingObserver());
    try {
      await publishRows(rows, 'sasl-test', { publish: (events) => feed.publish(events), batchSize: 10 });
    } finally {
      await feed.onApplicationShutdown();
    }
  };

  beforeAll(async () => {
    dir = await fsp.mkdtemp(join(tmpdir(), 'kafka-sasl-test-'));
    const tls = await makeBrokerTls(join(dir, 'tls'));
    caFile = tls.caFile;
    passwords = Object.fromEntries(
      [SUPER_USER, ...projectPrincipals()].map((name) => [name, randomBytes(18).toString('base64url')]),
    );
    broker = await startBroker({ heapMb: 384, security: { users: passwords, tls }, log: () => undefined });
    const admin = kafkaAs(SUPER_USER);
    await provisionTopics(admin, { checkins: 2, default: 1 });
    // Building the five services' modules (to read their handlers) makes TypeORM's module warn.
    Logger.overrideLogger(['error']);
    plan = projectAclPlan();
    await applyAcls(admin, plan);
    pg = await db();
    [tracing, cases, ops] = await Promise.all([
      startService(TracingService, { ...(await serviceEnv('tracing')), RETENTION_INTERVAL_MINUTES: '0' }),
      startService(CasesService, await serviceEnv('cases')),
      startService(OpsService, await serviceEnv('ops')),
    ]);
    contacts = await TopicTap.open(admin, [Topics.CONTACTS]);
    deadLetters = await TopicTap.open(admin, [dlqTopic(Topics.CONTACTS)]);
  });

  afterAll(async () => {
    await Promise.all([
      tracing?.close(),
      cases?.close(),
      ops?.close(),
      contacts?.close(),
      deadLetters?.close(),
      pg?.end(),
    ]);
    await broker?.stop();
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('carries a check-in from the feed and a case from the cases API to tracing, whose contact is published', async () => {
    const tag = `sasl-${randomUUID().slice(0, 8)}`;
    const [f0, f1, venue] = [`${tag}-a`, `${tag}-b`, `${tag}-venue`];
    const at = Date.now() - 26 * HOUR;
    await feedCheckIns([
      { personId: f0, venueId: venue, checkedInAt: iso(at), checkedOutAt: iso(at + HOUR) },
      { personId: f1, venueId: venue, checkedInAt: iso(at + 10 * 60_000), checkedOutAt: iso(at + HOUR) },
    ]);
    await eventually('both stays in the visit store', async () => {
      const { rows } = await pg.query('SELECT count(*)::int AS n FROM tracing.visits WHERE venue_id = $1', [venue]);
      return rows[0].n === 2;
    });

    const res = await http(cases!.url, 'POST', '/cases', {
      role: 'tracer',
      body: {
        personId: f0,
        confirmedAt: iso(Date.now() - HOUR),
        symptomOnsetAt: iso(at),
        testType: 'PCR',
        areaCode: '49',
      },
    });
    expect(res.status).toBe(201);
    const [published] = await contacts!.waitFor((m) => payloadOf(m.value).sourceCaseId === res.body.caseId);
    expect(payloadOf(published.value)).toMatchObject({ personId: f1, sourcePersonId: f0, degree: 1 });
  });

  it('reports the services ready, and their consumer lag, over SASL_SSL', async () => {
    for (const s of [tracing!, cases!]) expect((await http(s.url, 'GET', '/health/ready')).status).toBe(200);
    await eventually('tracing’s lag on checkins.v1 in /metrics', async () => {
      const res = await fetch(`${tracing!.url}/metrics`, { headers: { authorization: `Bearer ${tokenFor('ops')}` } });
      return /kafka_consumer_group_lag\{[^}]*topic="checkins.v1"/.test(await res.text());
    });
  });

  it('lets ops monitor every topic and report every group’s lag as its own principal', async () => {
    const venue = `sasl-${randomUUID().slice(0, 8)}-venue`;
    const at = Date.now() - 2 * HOUR;
    await feedCheckIns([{ personId: `${venue}-p`, venueId: venue, checkedInAt: iso(at), checkedOutAt: null }]);
    await eventually('the ops monitor to see the check-in', async () => {
      const r = await http(ops!.url, 'GET', `/ops/topics/${Topics.CHECKINS}/events?limit=1000`, { role: 'ops' });
      return (r.body.events as { key: string }[]).some((e) => e.key === venue);
    });
    const lag = await eventually('tracing’s lag on checkins.v1 in /ops/lag', async () => {
      const r = await http(ops!.url, 'GET', '/ops/lag', { role: 'ops' });
      const group = (r.body.groups as { group: string; topics: { topic: string }[] }[]).find(
        (g) => g.group === 'tracing',
      );
      return group?.topics.some((t) => t.topic === Topics.CHECKINS) ? r : undefined;
    });
    expect(lag.status).toBe(200);
    expect((await http(ops!.url, 'GET', '/health/ready')).status).toBe(200);
  });

  it('refuses tracing’s principal a produce to cases.v1 (TOPIC_AUTHORIZATION_FAILED), through its own publisher too', async () => {
    const producer = kafkaAs('tracing').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const refused = await producer.send({ topic: Topics.CASES, acks: -1, messages: [{ value: 'x' }] }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(errorTypes(refused)).toContain('TOPIC_AUTHORIZATION_FAILED');
      // What it owns, it may write; cases and ops, which consume contacts.v1, dead-letter this
      // non-event to contacts.v1.dlq, each as its own principal.
      const key = `sasl-${randomUUID()}`;
      await expect(
        producer.send({ topic: Topics.CONTACTS, acks: -1, messages: [{ key, value: 'not an event' }] }),
      ).resolves.toHaveLength(1);
      const dead = await deadLetters!.waitFor((m) => m.key?.toString() === key, 2);
      expect(dead.map((d) => d.headers?.dlq_group?.toString()).sort()).toEqual(['cases', 'ops']);
    } finally {
      await producer.disconnect();
    }
    const publisher = tracing!.app.get(EventPublisher);
    await expect(publisher.send([{ topic: Topics.CASES, key: 'k', value: '{}', headers: {} }])).rejects.toThrow(
      /authoriz/i,
    );
  });

  it('refuses a wrong password', async () => {
    const admin = kafkaAs('tracing', `${passwords.tracing}-wrong`).admin();
    const refused = await admin.connect().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    await admin.disconnect();
    expect(refused?.name).toBe('KafkaJSSASLAuthenticationError');
  });

  it('keeps the ACLs exactly the plan: a second run changes nothing, a rule added by hand is removed', async () => {
    const admin = kafkaAs(SUPER_USER);
    expect(await applyAcls(admin, plan)).toEqual({ created: 0, deleted: 0 });
    const widened = [
      ...plan,
      { principal: 'User:tracing', resource: 'TOPIC' as const, name: Topics.CASES, operation: 'WRITE' as const },
    ];
    expect(await applyAcls(admin, widened)).toEqual({ created: 1, deleted: 0 });
    expect(await applyAcls(admin, plan)).toEqual({ created: 0, deleted: 1 });
  });

  it('writes no password into the services’ or the broker’s logs', () => {
    const logs = [tracing!.logFile, cases!.logFile, ops!.logFile, broker.logFile].map((f) => readFileSync(f, 'utf8'));
    expect(logs.every((text) => text.length > 0)).toBe(true);
    for (const secret of Object.values(passwords)) for (const text of logs) expect(text).not.toContain(secret);
  });
});
