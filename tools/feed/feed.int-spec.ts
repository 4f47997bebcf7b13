import { createKafka, EventPublisher, MessagingObserver, parseBrokers } from '@ct/messaging';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Topics } from '@ct/contracts';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, eventually, startService, testKafka, TestService } from '../../test/support/services';
import { TracingService } from '../../apps/tracing/src/service';
import { formatStopped, formatSummary } from './feed';
import { freePort } from '../kafka/broker';
import { FeedStopped, replayCsv } from './replay';
import { CSV_HEADER, formatCsvRow } from './csv';
import { simulate } from './simulate';

/** `feed replay` against the real broker, with the tracing service storing what it publishes. */
describe('feed CLI: replay a CSV into the visit store', () => {
  let tracing: TestService;
  let pg: Client;
  let publisher: EventPublisher;

  beforeAll(async () => {
    tracing = await startService(TracingService, { RETENTION_INTERVAL_MINUTES: '0' });
    publisher = new EventPublisher(
      createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS!), clientId: 'feed-test' }),
      new MessagingObserver(),
    );
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([tracing?.close(), publisher?.onApplicationShutdown(), pg?.end()]);
  });

  it('stores each good line exactly once, reports the malformed ones by line number, and a second replay changes nothing', async () => {
    const v = `csv-${randomUUID().slice(0, 8)}`;
    const base = Math.floor(Date.now() / 1000) * 1000;
    const t = (hoursAgo: number) => new Date(base - hoursAgo * 3_600_000).toISOString();
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    const file = join(dir, 'checkins.csv');
    const lines = [
      'person_id,venue_id,checked_in_at,checked_out_at',
      `p-1,${v}-a,${t(5)},${t(4)}`,
      `p-2,${v}-a,${t(5)},`,
      `p-3,${v}-b,not-a-time,`, // line 4: malformed time
      `p-4,${v}-b,${t(3)}`, // line 5: a field missing
      '',
      `p-2,${v}-a,${t(5)},${t(2)}`, // line 7: p-2's check-out arrives later: completes the stay
      `"p-5",${v}-b,${t(1)},`,
      `p-6,${v}-b,${t(2)},${t(3)}`, // line 9: check-out before check-in
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const publish = (events: Parameters<EventPublisher['publish']>[0]) => publisher.publish(events);
    const progress: number[] = [];
    const summary = await replayCsv(file, { publish, batchSize: 2, onProgress: (p) => progress.push(p.sent) });
    expect(summary.sent).toBe(4);
    expect(summary.rejected.map((r) => r.line)).toEqual([4, 5, 9]);
    expect(summary.rejected[0].reason).toMatch(/checked_in_at/);
    expect(summary.rejected[1].reason).toBe('expected 4 fields, got 3');
    expect(summary.rejected[2].reason).toMatch(/checked_out_at/);
    expect(progress[progress.length - 1]).toBe(4);
    const text = formatSummary(summary);
    expect(text).toMatch(/sent: +4 check-ins/);
    expect(text).toMatch(/line 5: expected 4 fields, got 3/);

    const rows = async () =>
      (
        await pg.query(
          'SELECT person_id, checked_out_at FROM tracing.visits WHERE venue_id LIKE $1 ORDER BY person_id',
          [`${v}-%`],
        )
      ).rows;
    const settled = async () => {
      const r = await rows();
      return r.length === 3 && r.find((x) => x.person_id === 'p-2')?.checked_out_at ? r : undefined;
    };
    const stored = await eventually('3 stays, p-2 completed', settled);
    expect(stored.map((r) => r.person_id)).toEqual(['p-1', 'p-2', 'p-5']);
    expect(new Date(stored[1].checked_out_at).toISOString()).toBe(t(2));

    // Replaying the same file again: same derived ids, no new stays.
    await replayCsv(file, { publish, batchSize: 100 });
    const marker = join(dir, 'marker.csv');
    writeFileSync(
      marker,
      `person_id,venue_id,checked_in_at,checked_out_at\np-9,${v}-a,${t(1)},\np-8,${v}-b,${t(1)},\n`,
    );
    await replayCsv(marker, { publish, batchSize: 100 });
    await eventually('markers stored', async () => (await rows()).length === 5);
    expect((await rows()).map((r) => r.person_id)).toEqual(['p-1', 'p-2', 'p-5', 'p-8', 'p-9']);
  });

  it('replays a simulated population CSV: every stay ends up in the visit store exactly once, however often it is replayed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    const file = join(dir, `sim-${randomUUID().slice(0, 8)}.csv`);
    const start = new Date(Date.now() - 4 * 86_400_000).toISOString().slice(0, 10);
    const rows = [...simulate({ people: 300, venues: 40, days: 3, seed: `it-${file}`, start })];
    writeFileSync(file, `${CSV_HEADER.join(',')}\n${rows.map(formatCsvRow).join('\n')}\n`);
    const publish = (events: Parameters<EventPublisher['publish']>[0]) => publisher.publish(events);
    const first = await replayCsv(file, { publish, batchSize: 500 });
    expect(first).toMatchObject({ sent: rows.length, rejected: [] });
    await replayCsv(file, { publish, batchSize: 500 });
    const source = `csv:${basename(file)}`;
    const stored = async () =>
      (
        await pg.query(
          'SELECT count(*)::int AS n, count(DISTINCT (person_id, venue_id, checked_in_at))::int AS stays FROM tracing.visits WHERE source = $1',
          [source],
        )
      ).rows[0];
    await eventually(`${rows.length} stays`, async () => (await stored()).n === rows.length, 60000);
    // Both replays fully consumed (lag 0 for the tracing group), and still one row per stay.
    await eventually(
      'tracing caught up',
      async () => {
        const admin = testKafka('feed-test-admin').admin();
        await admin.connect();
        try {
          const ends = await admin.fetchTopicOffsets(Topics.CHECKINS);
          const [committed] = await admin.fetchOffsets({ groupId: 'tracing', topics: [Topics.CHECKINS] });
          return ends.every(
            (e) =>
              BigInt(committed.partitions.find((p) => p.partition === e.partition)?.offset ?? '-1') >= BigInt(e.high),
          );
        } finally {
          await admin.disconnect();
        }
      },
      60000,
    );
    expect(await stored()).toEqual({ n: rows.length, stays: rows.length });
    const withOut = (
      await pg.query('SELECT count(*)::int AS n FROM tracing.visits WHERE source = $1 AND checked_out_at IS NOT NULL', [
        source,
      ])
    ).rows[0].n;
    expect(withOut).toBe(rows.filter((r) => r.checkedOutAt !== null).length);
  });

  it('refuses a file with the wrong header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'person,venue,in,out\np,v,2021-11-20T08:00:00Z,\n');
    await expect(replayCsv(file, { publish: async () => undefined, batchSize: 10 })).rejects.toThrow(/header must be/);
  });

  it('keeps retrying while the broker is away, stops with what it sent once the budget is spent, and resumes from the line after', async () => {
    const v = `resume-${randomUUID().slice(0, 8)}`;
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000).toISOString();
    const dir = mkdtempSync(join(tmpdir(), 'feed-'));
    const file = join(dir, 'resume.csv');
    const people = Array.from({ length: 10 }, (_, i) => `p-${i}`);
    writeFileSync(file, `${CSV_HEADER.join(',')}\n${people.map((p) => `${p},${v},${at},`).join('\n')}\n`);
    // A real client on a port where no broker listens: kafkajs's own connection errors.
    const away = new EventPublisher(
      createKafka({ brokers: [`127.0.0.1:${await freePort()}`], clientId: 'feed-test-away' }),
      new MessagingObserver(),
    );
    let batches = 0;
    const retries: number[] = [];
    const flaky = (events: Parameters<EventPublisher['publish']>[0]) =>
      ++batches <= 2 ? publisher.publish(events) : away.publish(events);
    const stopped = await replayCsv(file, {
      publish: flaky,
      batchSize: 3,
      retry: { budgetMs: 1500, backoffMs: 100, onRetry: (a) => retries.push(a) },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    void away.onApplicationShutdown().catch(() => undefined);
    expect(stopped).toBeInstanceOf(FeedStopped);
    const { summary } = stopped as FeedStopped;
    expect(summary).toMatchObject({ sent: 6, lastLineSent: 7, rejected: [] });
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(formatStopped(stopped as FeedStopped, 'again')).toMatch(
      /sent: +6 check-ins[\s\S]*last line sent: 7[\s\S]*stopped: +the broker did not take the check-ins for 2 s/,
    );

    const resumed = await replayCsv(file, {
      publish: (e) => publisher.publish(e),
      batchSize: 3,
      resumeFromLine: summary.lastLineSent + 1,
    });
    expect(resumed).toMatchObject({ sent: 4, skipped: 6, lastLineSent: 11, rejected: [] });
    const count = async () =>
      (
        await pg.query(
          'SELECT count(*)::int AS n, count(DISTINCT person_id)::int AS people FROM tracing.visits WHERE venue_id = $1',
          [v],
        )
      ).rows[0];
    await eventually('10 stays', async () => (await count()).n === 10);
    expect(await count()).toEqual({ n: 10, people: 10 });
  });
});
