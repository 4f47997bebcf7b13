import { createEvent, dlqTopic, Topics } from '@ct/contracts';
import { samplePlain } from '@ct/contracts/testing/samples';
import { createKafka, EventPublisher, parseBrokers, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { Admin } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { RunningBroker, startBroker } from '../../tools/kafka/broker';
import { recreateTestDatabase } from '../support/database';
import {
  checkIns,
  figure,
  newRun,
  PrivatePostgres,
  provision,
  publisherFor,
  seconds,
  sleep,
  spawnService,
  startPrivatePostgres,
  stopAll,
  timeUntil,
  payloadOf,
  tapped,
  waitFor,
  warmProducerIds,
} from './support';

const SCENARIO = 'PostgreSQL stopped 15 s';
const OUTAGE_MS = 15_000;

/**
 * The database stopped (`pg_ctl stop -m fast`) for 15 s under continuous ingest, then started again:
 * tracing and quarantine retry without limit (infrastructure failures are never dead-lettered),
 * consume again within seconds of PostgreSQL being back, and store every check-in and every order
 * exactly once; no partition stays behind (issue 12).
 *
 * The machine's PostgreSQL (127.0.0.1:5432) is shared with other engineers' runs and is never
 * stopped: the scenario initdb's a private PostgreSQL 15 cluster of its own on a free port, migrates
 * it like the suite's database, and removes it afterwards.
 */
describe('faults: PostgreSQL stopped and started again under load', () => {
  let broker: RunningBroker;
  let postgres: PrivatePostgres | undefined;
  let publisher: EventPublisher;
  let admin: Admin;
  let dlq: TopicTap;
  let ordered: TopicTap;
  let pg: Client | undefined;
  let url: string;
  let stopSending = false;

  beforeAll(async () => {
    const log = (l: string) => process.stderr.write(`${l}\n`);
    [broker, postgres] = await Promise.all([
      startBroker({ heapMb: 384, log }),
      startPrivatePostgres({ sharedBuffers: '32MB', log }),
    ]);
    url = await recreateTestDatabase('ct_faults_pgstop_test', postgres.server);
    await provision(broker.brokers);
    await warmProducerIds(broker.brokers);
    publisher = publisherFor(broker.brokers);
    const kafka = createKafka({ brokers: parseBrokers(broker.brokers), clientId: 'faults-pgstop' });
    admin = kafka.admin();
    await admin.connect();
    dlq = await TopicTap.open(kafka, [dlqTopic(Topics.CHECKINS), dlqTopic(Topics.CONTACTS), dlqTopic(Topics.CASES)]);
    ordered = await TopicTap.open(kafka, [Topics.QUARANTINE, Topics.CONTACTS]);
  });

  afterAll(async () => {
    stopSending = true;
    await stopAll();
    await pg?.end().catch(() => undefined);
    await Promise.all([publisher?.onApplicationShutdown(), admin?.disconnect(), dlq?.close(), ordered?.close()]);
    await broker?.stop();
    await postgres?.remove();
  });

  const connect = async () => {
    const c = new Client({ connectionString: url });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };

  it('tracing and quarantine store every check-in and every order once, and consume again within seconds', async () => {
    const env = {
      KAFKA_BROKERS: broker.brokers,
      DATABASE_URL: url,
      RETENTION_INTERVAL_MINUTES: '10080',
      QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
    };
    const tracing = await spawnService('tracing', env);
    const quarantine = await spawnService('quarantine', env);
    await Promise.all([
      timeUntil(tracing, '/health/ready', tracing.spawnedAt, 120_000),
      timeUntil(quarantine, '/health/ready', quarantine.spawnedAt, 120_000),
    ]);
    pg = await connect();

    const run = newRun();
    const events = checkIns(run, 60_000, 300);
    const now = Date.now();
    const contact = (i: number) =>
      createEvent(
        'ContactIdentified',
        {
          ...samplePlain('ContactIdentified'),
          contactId: randomUUID(),
          personId: `p-${run}-c${i}`,
          sourcePersonId: `p-${run}-f0`,
          sourceCaseId: randomUUID(),
          lastExposureAt: new Date(now - 86_400_000).toISOString(),
          identifiedAt: new Date(now).toISOString(),
        } as never,
        { source: '/faults' },
      );

    // Continuous ingest: 300 check-ins and 10 contacts every 200 ms, before, during and after the outage.
    let sentCheckIns = 0;
    let sentContacts = 0;
    let sendError: unknown;
    const sending = (async () => {
      while (!stopSending && sentCheckIns < events.length) {
        await publisher.publish([
          ...events.slice(sentCheckIns, sentCheckIns + 300),
          ...Array.from({ length: 10 }, (_, k) => contact(sentContacts + k)),
        ]);
        sentCheckIns += 300;
        sentContacts += 10;
        await sleep(200);
      }
    })().catch((err) => (sendError = err));

    const stays = async (c: Client) =>
      (
        await c.query(
          'SELECT count(*)::int AS rows, count(DISTINCT check_in_id)::int AS distinct FROM tracing.visits WHERE source = $1',
          [`faults:${run}`],
        )
      ).rows[0] as { rows: number; distinct: number };
    const orders = async (c: Client) =>
      (
        await c.query(
          `SELECT count(*)::int AS rows, count(DISTINCT person_id)::int AS people FROM quarantine.quarantines WHERE person_id LIKE $1`,
          [`p-${run}-c%`],
        )
      ).rows[0] as { rows: number; people: number };

    // A case to trace, confirmed during the outage: its F0 and 5 F1 at one venue 5 hours ago.
    const f0 = `k-${run}-f0`;
    const f1 = Array.from({ length: 5 }, (_, i) => `k-${run}-${i}`);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    await pg.query('SELECT tracing.ensure_visit_partitions($1::date, $2::date)', [
      day(Date.now() - 86_400_000),
      day(Date.now() + 86_400_000),
    ]);
    await pg.query(
      `INSERT INTO tracing.visits (check_in_id, person_id, venue_id, checked_in_at, checked_out_at, ends_at, source)
       SELECT 'ci-' || gen_random_uuid(), p, $2, now() - interval '5 hours', now() - interval '4 hours', now() - interval '4 hours', $3 FROM unnest($1::text[]) p`,
      [[f0, ...f1], `kv-${run}`, `faults:${run}:case`],
    );
    const confirmed = createEvent(
      'CaseConfirmed',
      {
        caseId: randomUUID(),
        personId: f0,
        confirmedAt: new Date().toISOString(),
        symptomOnsetAt: null,
        sampleTakenAt: null,
        testType: 'PCR',
        origin: 'INVESTIGATION',
        areaCode: '49',
      },
      { source: '/faults' },
    );

    await waitFor(
      'both services storing',
      async () => (await stays(pg!)).rows > 3000 && (await orders(pg!)).rows > 50,
      60_000,
      100,
    );
    await pg.end();
    pg = undefined;

    const stoppingAt = Date.now();
    await postgres!.stop();
    const stoppedAt = Date.now();
    const sentAtStop = sentCheckIns;
    await publisher.publish([confirmed]); // traced once the database is back
    await sleep(OUTAGE_MS); // the deliberate outage; ingest goes on meanwhile
    // Neither service exited: they wait for the database rather than crash.
    for (const p of [tracing, quarantine])
      expect(await Promise.race([p.exited.then(() => 'exited'), sleep(0).then(() => 'running')])).toBe('running');
    const sentDuringOutage = sentCheckIns - sentAtStop;
    await postgres!.start();
    const upAt = Date.now();
    pg = await connect();
    const base = { stays: (await stays(pg)).rows, orders: (await orders(pg)).rows };
    // Consuming again: each service stores past what was stored when PostgreSQL came back.
    const [tracingBack, quarantineBack] = await Promise.all([
      waitFor('tracing storing again', async () => (await stays(pg!)).rows > base.stays, 60_000, 50).then(
        () => Date.now() - upAt,
      ),
      waitFor('quarantine storing again', async () => (await orders(pg!)).rows > base.orders, 60_000, 50).then(
        () => Date.now() - upAt,
      ),
    ]);
    const [tracingReady, quarantineReady] = await Promise.all([
      timeUntil(tracing, '/health/ready', upAt),
      timeUntil(quarantine, '/health/ready', upAt),
    ]);

    // A few seconds more of ingest after the recovery, then everything sent must be stored once.
    await sleep(3000);
    stopSending = true;
    await sending;
    expect(sendError).toBeUndefined();
    await waitFor(`${sentCheckIns} stays`, async () => (await stays(pg!)).rows >= sentCheckIns, 120_000, 250);
    const drained = Date.now() - upAt;
    await waitFor(`${sentContacts} orders`, async () => (await orders(pg!)).rows >= sentContacts, 120_000, 250);
    // Topics keyed by personId: the key narrows first, the payload (parsed once) decides.
    const ofCase = (m: TappedMessage) =>
      String(m.headers?.ce_type) === 'ContactIdentified' &&
      String(m.key).startsWith(`k-${run}-`) &&
      payloadOf(m).sourceCaseId === confirmed.payload.caseId;
    await tapped(ordered, "the case's ContactIdentified", ofCase, f1.length, 60_000);
    const mine = (m: TappedMessage) =>
      String(m.headers?.ce_type) === 'QuarantineOrdered' &&
      String(m.key).startsWith(`p-${run}-c`) &&
      String(payloadOf(m).personId).startsWith(`p-${run}-c`);
    await tapped(ordered, `${sentContacts} QuarantineOrdered`, mine, sentContacts, 120_000);

    // No partition behind: each group's committed offsets reach the end of its topic.
    const caughtUp = async (groupId: string, topic: string) => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return ends.every((e) => committed.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
    };
    await waitFor(
      'tracing past the end of checkins.v1, quarantine of contacts.v1',
      async () => (await caughtUp('tracing', Topics.CHECKINS)) && (await caughtUp('quarantine', Topics.CONTACTS)),
      60_000,
      250,
    );
    await sleep(2000); // a late duplicate or dead letter would show now

    expect(await stays(pg)).toEqual({ rows: sentCheckIns, distinct: sentCheckIns });
    expect(await orders(pg)).toEqual({ rows: sentContacts, people: sentContacts });
    const orderEvents = ordered.messages.filter(mine);
    const orderIds = new Set(orderEvents.map((m) => String(m.headers?.ce_id)));
    const orderPeople = new Set(orderEvents.map((m) => payloadOf(m).personId));
    expect([orderIds.size, orderPeople.size]).toEqual([sentContacts, sentContacts]);
    // The case confirmed during the outage: traced once, its 5 F1 stored and announced once each.
    const traced = (
      await pg.query(
        `SELECT (SELECT count(*)::int FROM tracing.traced_cases WHERE case_id = $1) AS cases, count(*)::int AS rows, count(DISTINCT person_id)::int AS people
         FROM tracing.contacts WHERE source_case_id = $1`,
        [confirmed.payload.caseId],
      )
    ).rows[0];
    expect(traced).toEqual({ cases: 1, rows: f1.length, people: f1.length });
    const caseEvents = ordered.messages.filter(ofCase);
    expect(new Set(caseEvents.map((m) => payloadOf(m).personId))).toEqual(new Set(f1));
    expect(new Set(caseEvents.map((m) => String(m.headers?.ce_id))).size).toBe(f1.length);
    // The outage is infrastructure: retried without limit, never dead-lettered.
    expect(dlq.messages.map((m) => `${m.topic} ${m.headers?.dlq_group} ${m.headers?.dlq_category}`)).toEqual([]);

    figure(SCENARIO, 'pg_ctl stop -m fast took (s)', seconds(stoppedAt - stoppingAt));
    figure(
      SCENARIO,
      'check-ins sent before the stop / during the 15 s outage / in all',
      `${sentAtStop} / ${sentDuringOutage} / ${sentCheckIns}`,
    );
    figure(SCENARIO, `stays / distinct (of ${sentCheckIns})`, `${sentCheckIns} / ${sentCheckIns}`);
    figure(
      SCENARIO,
      `orders / distinct people; QuarantineOrdered distinct ids (of ${sentContacts})`,
      `${sentContacts} / ${sentContacts}; ${orderIds.size} (${orderEvents.length} messages)`,
    );
    figure(SCENARIO, 'dead letters', dlq.messages.length);
    figure(
      SCENARIO,
      'case confirmed during the outage: contacts / ContactIdentified distinct ids (of 5)',
      `${traced.rows} / ${new Set(caseEvents.map((m) => String(m.headers?.ce_id))).size}`,
    );
    figure(SCENARIO, 'tracing storing again after PostgreSQL was back (s)', seconds(tracingBack));
    figure(SCENARIO, 'quarantine storing again after PostgreSQL was back (s)', seconds(quarantineBack));
    figure(
      SCENARIO,
      'tracing / quarantine ready after PostgreSQL was back (s)',
      `${seconds(tracingReady)} / ${seconds(quarantineReady)}`,
    );
    figure(SCENARIO, 'every check-in stored after PostgreSQL was back (s)', seconds(drained));
    // Infrastructure errors back off to 5 s at most: consuming again within that after the database is back.
    expect(Math.max(tracingBack, quarantineBack)).toBeLessThanOrEqual(
      Number(process.env.FAULTS_PG_BACK_TARGET_MS ?? 10_000),
    );
    await Promise.all([tracing.kill('SIGTERM'), quarantine.kill('SIGTERM')]);
  });
});
