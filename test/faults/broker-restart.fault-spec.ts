import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { BrokerOptions, freePort, RunningBroker, startBroker } from '../../tools/kafka/broker';
import { replayCsv } from '../../tools/feed/replay';
import {
  db,
  figure,
  newRun,
  provision,
  publisherFor,
  seconds,
  sleep,
  spawnService,
  stopAll,
  timeUntil,
  waitFor,
} from './support';

/**
 * The only broker SIGKILLed during a `feed replay` and started again on the same data: the feed
 * waits within its retry budget, the consumers reconnect, and every line is stored exactly once.
 */
describe('faults: the broker killed and restarted during a replay', () => {
  let broker: RunningBroker | undefined;
  let pg: Client;
  let dataDir: string;

  afterAll(async () => {
    await stopAll();
    await pg?.end();
    await broker?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses and duplicates nothing, and the feed finishes by itself', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'faults-broker-'));
    const opts: BrokerOptions = {
      port: await freePort(),
      controllerPort: await freePort(),
      dataDir,
      keepData: true,
      heapMb: 384,
      log: (l) => process.stderr.write(`${l}\n`),
    };
    broker = await startBroker(opts);
    await provision(broker.brokers);
    pg = await db();
    const tracing = await spawnService('tracing', {
      KAFKA_BROKERS: broker.brokers,
      RETENTION_INTERVAL_MINUTES: '10080',
    });
    await timeUntil(tracing, '/health/ready', tracing.spawnedAt);

    const run = newRun();
    const lines = 20_000;
    const at = Date.now() - 2 * 3_600_000;
    const file = join(dataDir, `replay-${run}.csv`);
    const rows = Array.from(
      { length: lines },
      (_, i) => `p-${run}-${i % 4000},v-${run}-${i % 300},${new Date(at + (i % 3600) * 1000).toISOString()},`,
    );
    writeFileSync(file, `person_id,venue_id,checked_in_at,checked_out_at\n${rows.join('\n')}\n`);
    const source = `csv:replay-${run}.csv`;
    const stored = async () =>
      (
        await pg.query(
          'SELECT count(*)::int AS rows, count(DISTINCT check_in_id)::int AS distinct FROM tracing.visits WHERE source = $1',
          [source],
        )
      ).rows[0] as { rows: number; distinct: number };

    const publisher = publisherFor(broker.brokers, 'faults-feed');
    let sent = 0;
    let retries = 0;
    const replay = replayCsv(file, {
      publish: (events) => publisher.publish(events),
      batchSize: 1000,
      retry: { budgetMs: 120_000, backoffMs: 500, onRetry: () => void retries++ },
      onProgress: (p) => (sent = p.sent),
    });
    await waitFor('5,000 lines sent', async () => sent >= 5000, 60_000, 20);
    const killedAt = Date.now();
    const sentAtKill = sent;
    process.kill(-broker.pid, 'SIGKILL');
    await broker.exited;
    await broker.stop();
    const storedAtKill = (await stored()).rows;
    await sleep(5000); // the broker stays away for 5 s
    const restartAt = Date.now();
    broker = await startBroker(opts);
    const brokerUp = Date.now() - restartAt;
    await waitFor(
      'stays stored after the restart',
      async () => (await stored()).rows > Math.max(storedAtKill, 0) && Date.now() > restartAt,
      120_000,
      100,
    );
    const consumingAgain = Date.now() - restartAt;
    const summary = await replay;
    await publisher.onApplicationShutdown();
    expect(summary).toMatchObject({ sent: lines, rejected: [], lastLineSent: lines + 1 });
    await waitFor(`${lines} stays`, async () => (await stored()).rows >= lines, 120_000, 250);
    await sleep(1000);
    expect(await stored()).toEqual({ rows: lines, distinct: lines });
    figure('broker SIGKILL during replay', 'lines sent at the kill', sentAtKill);
    figure('broker SIGKILL during replay', 'broker away (s)', seconds(restartAt - killedAt));
    figure('broker SIGKILL during replay', 'broker restart until ready (s)', seconds(brokerUp));
    figure(
      'broker SIGKILL during replay',
      'tracing storing again after the restart began (s)',
      seconds(consumingAgain),
    );
    figure(
      'broker SIGKILL during replay',
      'tracing storing again after the broker was ready (s)',
      seconds(Math.max(0, consumingAgain - brokerUp)),
    );
    figure('broker SIGKILL during replay', 'feed retries (budget 120 s)', retries);
    figure('broker SIGKILL during replay', 'stays / distinct (of 20000)', '20000 / 20000');
    expect((await fetch(`${tracing.base}/health/ready`)).status).toBe(200);
  });
});
