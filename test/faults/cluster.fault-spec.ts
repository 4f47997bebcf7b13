import { Topics } from '@ct/contracts';
import { createKafka, EventPublisher, parseBrokers } from '@ct/messaging';
import { Client } from 'pg';
import { RunningCluster, startCluster } from '../../tools/kafka/broker';
import {
  checkIns,
  db,
  figure,
  newRun,
  provision,
  publisherFor,
  seconds,
  sleep,
  spawnService,
  stays,
  stopAll,
  timeUntil,
  waitFor,
} from './support';

/**
 * The scale-out proof on one machine: a 3-node KRaft cluster (replication factor 3,
 * min.insync.replicas 2, producers acks=all); one broker SIGKILLed during ingest and tracing loses
 * nothing and stalls nothing beyond the leader election.
 */
describe('faults: one broker of a 3-node cluster killed during ingest', () => {
  let cluster: RunningCluster;
  let publisher: EventPublisher;
  let pg: Client;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, heapMb: 256, log: (l) => process.stderr.write(`${l}\n`) });
    await provision(cluster.brokers);
    publisher = publisherFor(cluster.brokers, 'faults-cluster');
    pg = await db();
  });

  afterAll(async () => {
    await stopAll();
    await Promise.all([publisher?.onApplicationShutdown(), pg?.end()]);
    await cluster?.stop();
  });

  it('stores every check-in exactly once with one of three brokers dead, and keeps producing through the election', async () => {
    const admin = createKafka({ brokers: parseBrokers(cluster.brokers), clientId: 'faults-cluster-admin' }).admin();
    await admin.connect();
    try {
      // Every partition on three brokers, all in sync (metadata reaches every broker a moment after creation).
      await waitFor(
        'checkins.v1 replicated 3 times',
        async () => {
          const meta = await admin.fetchTopicMetadata({ topics: [Topics.CHECKINS] });
          return (
            meta.topics[0].partitions.length === 6 &&
            meta.topics[0].partitions.every((p) => p.replicas.length === 3 && p.isr.length === 3)
          );
        },
        30_000,
        250,
      );
      const minIsr = await waitFor(
        'the topic config',
        async () => {
          const cfg = await admin.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: 2, name: Topics.CHECKINS, configNames: ['min.insync.replicas'] }],
          });
          return cfg.resources[0].configEntries.find((c) => c.configName === 'min.insync.replicas')?.configValue;
        },
        30_000,
        250,
      );
      expect(minIsr).toBe('2');
    } finally {
      await admin.disconnect();
    }

    const tracing = await spawnService('tracing', {
      KAFKA_BROKERS: cluster.brokers,
      RETENTION_INTERVAL_MINUTES: '10080',
    });
    await timeUntil(tracing, '/health/ready', tracing.spawnedAt, 90_000);
    const run = newRun();
    const events = checkIns(run, 30_000);
    const latencies: number[] = [];
    let killedAt = 0;
    let resends = 0;
    for (let i = 0; i < 30; i++) {
      if (i === 10) {
        await waitFor('some stays stored', async () => (await stays(pg, run)).rows > 0);
        killedAt = Date.now();
        await cluster.kill(1); // the first bootstrap broker, leader of about a third of the partitions
      }
      const t = Date.now();
      // A producer sees the dead leader's partitions fail until the election: it sends the same
      // events again (same ids and check-in ids, so a partial first send stores nothing twice).
      for (let attempt = 1; ; attempt++) {
        try {
          await publisher.publish(events.slice(i * 1000, (i + 1) * 1000));
          break;
        } catch (err) {
          resends++;
          if (Date.now() - t > 60_000) throw err;
          await sleep(500);
        }
      }
      latencies.push(Date.now() - t);
    }
    const storedAfterKill = async () => (await stays(pg, run)).rows;
    await waitFor('30,000 stays', async () => (await storedAfterKill()) >= 30_000, 180_000, 250);
    const allStored = Date.now() - killedAt;
    await sleep(1000);
    expect(await stays(pg, run)).toEqual({ rows: 30_000, distinct: 30_000 });
    const before = latencies.slice(0, 10);
    const after = latencies.slice(10);
    figure(
      '3-broker cluster, broker 1 killed',
      'publish of 1000 check-ins before the kill, max (ms)',
      Math.max(...before),
    );
    figure(
      '3-broker cluster, broker 1 killed',
      'publish of 1000 check-ins right after the kill (s)',
      seconds(after[0]),
    );
    figure(
      '3-broker cluster, broker 1 killed',
      'publish of 1000 check-ins after the election, max (ms)',
      Math.max(...after.slice(3)),
    );
    figure('3-broker cluster, broker 1 killed', 'all 30000 stored after the kill (s)', seconds(allStored));
    figure('3-broker cluster, broker 1 killed', 'batches the producer sent again during the election', resends);
    figure('3-broker cluster, broker 1 killed', 'stays / distinct (of 30000)', '30000 / 30000');
    // The tracing service is still consuming with the broker gone (readiness says so).
    expect((await fetch(`${tracing.base}/health/ready`)).status).toBe(200);

    // The broker comes back and rejoins; the cluster serves on.
    await cluster.restart(1);
    const later = checkIns(newRun(), 10);
    const laterRun = later[0].payload.source.slice('faults:'.length);
    await publisher.publish(later);
    await waitFor('stays after the broker rejoined', async () => (await stays(pg, laterRun)).rows === 10, 60_000);
  });
});
