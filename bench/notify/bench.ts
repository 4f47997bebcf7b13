/**
 * `npm run bench:notify [-- --orders N]`: the notifier at super-spreader scale.
 *
 * 1. A fresh database with the cases schema and N (default 5,000) registered persons with phone
 *    numbers (seeded in SQL, as tracers and feeds would have registered them).
 * 2. A local SMS gateway (an HTTP server on this machine that checks each request's HMAC signature
 *    and answers 200), and the real cases service as its own process (`node dist/apps/cases/src/main.js`)
 *    with only the SMS channel configured, against a real broker (a fresh one from tools/kafka unless
 *    KAFKA_BROKERS is set).
 * 3. N QuarantineOrdered (one per person, as the quarantine service publishes for a super-spreader's
 *    contacts) are published to quarantine.v1; the clock runs from the acknowledgement of the last
 *    one until the gateway has accepted N distinct messages. Then each person's delivery is checked
 *    (one SENT SMS row each, no message accepted twice).
 * Prints the figures and, last, one JSON line.
 */
import 'reflect-metadata';
import { createEvent, Topics } from '@ct/contracts';
import { createKafka, EventPublisher, MessagingObserver, parseBrokers, provisionTopics } from '@ct/messaging';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { Client } from 'pg';
import { migrations } from '../../apps/cases/src/migrations';
import { freePort, RunningBroker, startBroker } from '../../tools/kafka/broker';
import { benchOutput, freshBenchDatabase, intArg, runBench, startServiceProcess } from '../support';

const { log, out } = benchOutput('bench:notify');
const ORDERS = intArg('orders', 5_000);
const DB_URL =
  process.env.BENCH_NOTIFY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/contact_tracing_bench_notify';
const SECRET = 'bench-sms-secret';

/** The SMS gateway: signature checked, 200, distinct messageIds counted with the time of the n-th. */
async function startGateway() {
  const accepted = new Map<string, number>();
  let badSignatures = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const sig = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
      if (req.headers['x-notify-signature'] !== sig) {
        badSignatures++;
        res.writeHead(401).end();
        return;
      }
      const { messageId } = JSON.parse(raw) as { messageId: string };
      accepted.set(messageId, (accepted.get(messageId) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    accepted,
    badSignatures: () => badSignatures,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function main(): Promise<void> {
  let broker: RunningBroker | undefined;
  let stopChild = async (): Promise<void> => undefined;
  const load = loadavg();
  const gateway = await startGateway();
  try {
    let brokers = process.env.KAFKA_BROKERS;
    if (!brokers) {
      log('starting a fresh Kafka broker (tools/kafka)');
      broker = await startBroker({ log, heapMb: 768 });
      brokers = broker.brokers;
    } else log(`using the broker at ${brokers}`);
    await freshBenchDatabase(DB_URL, { schema: 'cases', migrations });
    const pg = new Client({ connectionString: DB_URL });
    await pg.connect();
    const run = randomUUID().slice(0, 8);
    const prefix = `bench-n-${run}-`;
    await pg.query(
      `INSERT INTO cases.persons (person_id, full_name, phone, area_code, vaccine_doses, created_at, updated_at, language)
       SELECT $2 || i, 'Bench ' || i, '+8490' || lpad(i::text, 7, '0'), '49', 0, now(), now(), CASE WHEN i % 10 = 0 THEN 'en' END
         FROM generate_series(0, $1::int) i`,
      [ORDERS, prefix],
    );
    log(`seeded ${ORDERS + 1} persons (one for the warm-up)`);

    const kafka = createKafka({ brokers: parseBrokers(brokers), clientId: 'bench-notify' });
    await provisionTopics(kafka, { checkins: 6, default: 3 });
    const svc = await startServiceProcess(
      'cases',
      await freePort(),
      {
        DATABASE_URL: DB_URL,
        KAFKA_BROKERS: brokers,
        NOTIFY_SMS_WEBHOOK_URL: gateway.url,
        NOTIFY_SMS_SECRET: SECRET,
        NOTIFY_QUIET_HOURS: '', // the figure is the pipeline's, whatever the hour the bench runs at
        PERSON_ERASURE_INTERVAL_MINUTES: '1440', // production refuses 0; nothing here is due for erasure
      },
      log,
    );
    stopChild = svc.stop;
    const publisher = new EventPublisher(kafka, new MessagingObserver());
    const now = Date.now();
    const order = (personId: string) =>
      createEvent(
        'QuarantineOrdered',
        {
          quarantineId: randomUUID(),
          personId,
          kind: 'HOME',
          facilityId: null,
          dayZero: new Date(now).toISOString().slice(0, 10),
          startsAt: new Date(now).toISOString(),
          endsAt: new Date(now + 14 * 86_400_000).toISOString(),
          testDays: [1, 7, 14],
          sourceCaseId: randomUUID(),
          sourcePersonId: 'bench-f0',
          degree: 1,
          orderedAt: new Date(now).toISOString(),
          needsFacility: false,
        },
        { source: '/bench' },
      );

    log('warm-up: one order through the service (the consumer has joined when its SMS arrives)');
    await publisher.publish([order(`${prefix}${ORDERS}`)]);
    for (const deadline = Date.now() + 60_000; gateway.accepted.size < 1;) {
      if (Date.now() > deadline) throw new Error('no SMS for the warm-up order after 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const warm = gateway.accepted.size;

    const events = Array.from({ length: ORDERS }, (_, i) => order(`${prefix}${i}`));
    log(`${ORDERS} QuarantineOrdered to ${Topics.QUARANTINE}`);
    const t0 = Date.now();
    for (let i = 0; i < events.length; i += 500) await publisher.publish(events.slice(i, i + 500));
    const lastPublished = Date.now();
    let doneAt = 0;
    for (const deadline = Date.now() + 180_000; ;) {
      if (gateway.accepted.size - warm >= ORDERS) {
        doneAt = Date.now();
        break;
      }
      if (Date.now() > deadline) throw new Error(`only ${gateway.accepted.size - warm} of ${ORDERS} SMS after 180 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const afterLastMs = doneAt - lastPublished;
    // The gateway answers before the dispatcher records the batch: wait for the rows.
    const count = async () =>
      (
        await pg.query(
          `SELECT count(*)::int AS sent, count(DISTINCT person_id)::int AS people FROM cases.notification_deliveries
            WHERE person_id LIKE $1 AND channel = 'SMS' AND state = 'SENT'`,
          [`${prefix}%`],
        )
      ).rows[0] as { sent: number; people: number };
    let { sent, people } = await count();
    for (let i = 0; i < 300 && sent < ORDERS + 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ({ sent, people } = await count());
    }
    const twice = [...gateway.accepted.values()].filter((n) => n > 1).length;
    if (people !== ORDERS + 1 || sent !== ORDERS + 1 || twice > 0 || gateway.badSignatures() > 0)
      throw new Error(
        `expected one SMS per person: ${sent} sent to ${people}, ${twice} twice, ${gateway.badSignatures()} bad signatures`,
      );
    await publisher.onApplicationShutdown();
    await pg.end();
    await stopChild();

    out('');
    out(
      `machine            ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; broker, PostgreSQL, the cases service (own process), the gateway and the bench on the same machine; load average at start ${load.map((l) => l.toFixed(2)).join(' ')}`,
    );
    out(`publishing         ${ORDERS} QuarantineOrdered in ${((lastPublished - t0) / 1000).toFixed(2)} s`);
    out(
      `notify             ${ORDERS} SMS accepted by the gateway ${(afterLastMs / 1000).toFixed(2)} s after the last QuarantineOrdered (${((doneAt - t0) / 1000).toFixed(2)} s after the first) (target <= 30 s: ${afterLastMs <= 30_000 ? 'met' : 'NOT met'})`,
    );
    out(`exactly once       ${sent - 1} SENT rows, none accepted twice, every signature valid`);
    out(
      JSON.stringify({
        bench: 'notify',
        cores: cpus().length,
        loadAvgAtStart: load.map((l) => Number(l.toFixed(2))),
        orders: ORDERS,
        publishSeconds: Number(((lastPublished - t0) / 1000).toFixed(3)),
        smsSecondsAfterLastOrder: Number((afterLastMs / 1000).toFixed(3)),
        smsSecondsAfterFirstOrder: Number(((doneAt - t0) / 1000).toFixed(3)),
        smsPerSecond: Math.round(ORDERS / ((doneAt - t0) / 1000)),
      }),
    );
  } finally {
    await stopChild();
    await gateway.close();
    await broker?.stop();
  }
}

runBench('bench:notify', main);
