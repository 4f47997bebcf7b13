import 'reflect-metadata';
import { createKafka, EventPublisher, MessagingObserver, parseBrokers } from '@ct/messaging';
import { ConfigError, kafkaSecurity, loadConfig } from '@ct/platform';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { CSV_HEADER, formatCsvRow } from './csv';
import { FeedEnv } from './config';
import {
  CsvHeaderError,
  FeedStopped,
  Progress,
  publishRows,
  Publish,
  replayCsv,
  ReplaySummary,
  RetryBudget,
} from './replay';
import { simulate, SimulationOptions } from './simulate';

const USAGE = `usage:
  npm run feed -- replay <file.csv> [--resume-from-line N]
      publishes each line (header person_id,venue_id,checked_in_at,checked_out_at) to checkins.v1;
      when the broker stays away longer than FEED_RETRY_BUDGET_MS the feed stops (exit 75) with
      what it sent and the line to resume from (a line sent twice is stored once)
  npm run feed -- simulate --people N --venues M --days D --seed S [--start YYYY-MM-DD] (--out file.csv | --publish)
      a synthetic population's check-ins; the same options give the same data
      (--start defaults to D days before today, UTC, so that the data is inside retention)
environment: KAFKA_BROKERS (default 127.0.0.1:9092), FEED_BATCH_SIZE (default 1000), FEED_RETRY_BUDGET_MS (default 60000);
  over SASL_SSL: KAFKA_SECURITY_PROTOCOL=SASL_SSL, KAFKA_SASL_USERNAME=feed, KAFKA_SASL_PASSWORD(_FILE), KAFKA_SSL_CA_FILE`;

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

function flags(args: string[]): Record<string, string | true> {
  const f: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${a}`);
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) f[a.slice(2)] = true;
    else {
      f[a.slice(2)] = next;
      i++;
    }
  }
  return f;
}

class UsageError extends Error {}

function positiveInt(f: Record<string, string | true>, name: string): number {
  const v = f[name];
  const n = typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

/** A bar on a terminal; a line every 5 s otherwise (logs, CI). */
export function progressReporter(label: string, tty = Boolean(process.stderr.isTTY)): (p: Progress) => void {
  const started = Date.now();
  let lastLine = 0;
  return (p) => {
    const secs = (Date.now() - started) / 1000;
    const rate = Math.round(p.sent / Math.max(secs, 0.001));
    const pct = p.fraction === null ? '' : `${(p.fraction * 100).toFixed(1)}% `;
    if (tty) {
      const width = 30;
      const filled = p.fraction === null ? 0 : Math.round(p.fraction * width);
      err(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}sent ${p.sent} rejected ${p.rejected} ${rate}/s   `,
      );
      if (p.fraction === 1) err('\n');
    } else if (Date.now() - lastLine >= 5000 || p.fraction === 1) {
      lastLine = Date.now();
      err(`${label}: ${pct}lines ${p.done} sent ${p.sent} rejected ${p.rejected} (${rate}/s)\n`);
    }
  };
}

export function formatSummary(s: ReplaySummary, maxListed = 50): string {
  const lines = [
    ...(s.skipped > 0 ? [`skipped:  ${s.skipped} lines before the resume line`] : []),
    `sent:     ${s.sent} check-ins to checkins.v1`,
    `last line sent: ${s.lastLineSent}`,
    `rejected: ${s.rejected.length} lines`,
    ...s.rejected.slice(0, maxListed).map((r) => `  line ${r.line}: ${r.reason}`),
    ...(s.rejected.length > maxListed ? [`  ... and ${s.rejected.length - maxListed} more`] : []),
    `rate:     ${Math.round(s.rate)} check-ins/s (${(s.elapsedMs / 1000).toFixed(1)} s)`,
    'note: the tracing service dead-letters, to checkins.v1.dlq, check-ins it cannot store (in the future, or older than retention)',
  ];
  return `${lines.join('\n')}\n`;
}

/** Retries one line each, on stderr: the broker is away, the feed waits for it within its budget. */
function retryReporter(budgetMs: number): RetryBudget {
  return {
    budgetMs,
    onRetry: (attempt, e, waitMs) =>
      err(
        `feed: the broker did not take the batch (${e.message}); retry ${attempt} in ${(waitMs / 1000).toFixed(1)} s\n`,
      ),
  };
}

async function withPublisher<T>(
  fn: (publish: Publish, batchSize: number, retry: RetryBudget) => Promise<T>,
): Promise<T> {
  const env = loadConfig(FeedEnv);
  const publisher = new EventPublisher(
    createKafka({ brokers: parseBrokers(env.KAFKA_BROKERS), clientId: 'feed-cli', security: kafkaSecurity(env) }),
    new MessagingObserver(),
  );
  try {
    return await fn(
      (events) => publisher.publish(events),
      env.FEED_BATCH_SIZE,
      retryReporter(env.FEED_RETRY_BUDGET_MS),
    );
  } finally {
    // A broker that is still away would hold the disconnect: do not wait for it more than 5 s.
    await Promise.race([
      publisher.onApplicationShutdown().catch(() => undefined),
      new Promise((r) => setTimeout(r, 5000).unref()),
    ]);
  }
}

/** The summary of a run the broker cut short, and how to continue it. */
export function formatStopped(e: FeedStopped, resume: string): string {
  return `${formatSummary(e.summary)}stopped:  ${e.message}\nresume:   ${resume}\n`;
}

const EXIT_STOPPED = 75; // EX_TEMPFAIL: try again later

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'replay') {
    const [file, ...more] = rest;
    if (!file || file.startsWith('--')) throw new UsageError('replay takes one file');
    const f = flags(more);
    for (const k of Object.keys(f)) if (k !== 'resume-from-line') throw new UsageError(`unknown option --${k}`);
    const resumeFromLine = f['resume-from-line'] === undefined ? undefined : positiveInt(f, 'resume-from-line');
    try {
      const summary = await withPublisher((publish, batchSize, retry) =>
        replayCsv(file, { publish, batchSize, retry, resumeFromLine, onProgress: progressReporter('replay') }),
      );
      out(formatSummary(summary));
      return summary.rejected.length > 0 ? 1 : 0;
    } catch (e) {
      if (!(e instanceof FeedStopped)) throw e;
      out(formatStopped(e, `npm run feed -- replay ${file} --resume-from-line ${e.summary.lastLineSent + 1}`));
      return EXIT_STOPPED;
    }
  }
  if (command === 'simulate') {
    const f = flags(rest);
    const days = positiveInt(f, 'days');
    const start =
      typeof f.start === 'string' ? f.start : new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) throw new UsageError('--start must be YYYY-MM-DD');
    if (f.seed === undefined || f.seed === true) throw new UsageError('--seed is required');
    const o: SimulationOptions = {
      people: positiveInt(f, 'people'),
      venues: positiveInt(f, 'venues'),
      days,
      seed: f.seed,
      start,
    };
    if (typeof f.out === 'string' && f.publish === undefined) {
      const file = createWriteStream(f.out);
      file.write(`${CSV_HEADER.join(',')}\n`);
      let n = 0;
      const started = Date.now();
      for (const row of simulate(o)) {
        n++;
        if (!file.write(`${formatCsvRow(row)}\n`)) await once(file, 'drain');
      }
      file.end();
      await once(file, 'finish');
      out(
        `wrote ${n} check-ins of ${o.people} people at ${o.venues} venues over ${o.days} days from ${start} (seed ${o.seed}) to ${f.out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      return 0;
    }
    if (f.publish === true && f.out === undefined) {
      try {
        const summary = await withPublisher((publish, batchSize, retry) =>
          publishRows(simulate(o), `simulator:${o.seed}`.slice(0, 128), {
            publish,
            batchSize,
            retry,
            onProgress: progressReporter('simulate'),
          }),
        );
        out(formatSummary(summary));
        return summary.rejected.length > 0 ? 1 : 0;
      } catch (e) {
        if (!(e instanceof FeedStopped)) throw e;
        out(
          formatStopped(
            e,
            'run the same simulate command again (the same options give the same check-ins; those already stored are not stored twice)',
          ),
        );
        return EXIT_STOPPED;
      }
    }
    throw new UsageError('simulate needs exactly one of --out <file.csv> or --publish');
  }
  throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError) err(`feed: ${e.message}\n${USAGE}\n`);
      else if (e instanceof CsvHeaderError || e instanceof ConfigError) err(`feed: ${e.message}\n`);
      else err(`feed: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(e instanceof UsageError ? 64 : 2);
    },
  );
}
