import { EventEnvelope } from '@ct/contracts';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { checkHeader, CsvRow, formatCsvRow, lineToEvent } from './csv';

export type Publish = (events: EventEnvelope<'CheckInRecorded'>[]) => Promise<void>;

export interface Progress {
  done: number;
  /** 0..1 when the total is known. */
  fraction: number | null;
  sent: number;
  rejected: number;
}

export interface ReplaySummary {
  lines: number;
  sent: number;
  rejected: { line: number; reason: string }[];
  elapsedMs: number;
  /** Check-ins sent per second. */
  rate: number;
  /** The last line whose check-in the broker acknowledged (0: none); `--resume-from-line` continues after it. */
  lastLineSent: number;
  /** Lines before `resumeFromLine`, not read again. */
  skipped: number;
}

export class CsvHeaderError extends Error {}

/**
 * The broker stayed unreachable longer than the retry budget: the feed stops with what it sent.
 * Nothing after `summary.lastLineSent` was acknowledged; a resumed run sends again from there (the
 * check-in ids are derived from the line's content, so a line sent twice is stored once).
 */
export class FeedStopped extends Error {
  constructor(
    readonly summary: ReplaySummary,
    override readonly cause: Error,
    budgetMs: number,
  ) {
    super(`the broker did not take the check-ins for ${Math.round(budgetMs / 1000)} s (last error: ${cause.message})`);
    this.name = 'FeedStopped';
  }
}

export interface RetryBudget {
  /** How long one batch may keep failing before the feed stops. */
  budgetMs: number;
  /** First wait between attempts, doubled up to 5 s. Default 500 ms. */
  backoffMs?: number;
  onRetry?: (attempt: number, err: Error, waitMs: number) => void;
}

interface Sink {
  publish: Publish;
  batchSize: number;
  onProgress?: (p: Progress) => void;
  /** Without it, a failed publish ends the run at once (as a FeedStopped). */
  retry?: RetryBudget;
  /** Data lines before this line number are skipped (the header is line 1). */
  resumeFromLine?: number;
}

/** Publishes events in batches, keeping counts; the source's lines go through `accept`. */
class Pipeline {
  private batch: EventEnvelope<'CheckInRecorded'>[] = [];
  private batchLastLine = 0;
  readonly rejected: { line: number; reason: string }[] = [];
  sent = 0;
  lines = 0;
  lastLineSent = 0;
  skipped = 0;
  private readonly started = Date.now();
  private lastProgress = 0;

  constructor(private readonly sink: Sink) {}

  async accept(lineNo: number, line: string, source: string, fraction: () => number | null): Promise<void> {
    this.lines++;
    const r = lineToEvent(line, source);
    if (r.ok === 'blank') return;
    if (r.ok === false) this.rejected.push({ line: lineNo, reason: r.reason });
    else this.batch.push(r.event);
    this.batchLastLine = lineNo;
    if (this.batch.length >= this.sink.batchSize) await this.flush();
    const now = Date.now();
    if (this.sink.onProgress && now - this.lastProgress > 200) {
      this.lastProgress = now;
      this.sink.onProgress({ done: this.lines, fraction: fraction(), sent: this.sent, rejected: this.rejected.length });
    }
  }

  skip(): void {
    this.lines++;
    this.skipped++;
  }

  async flush(): Promise<void> {
    const b = this.batch;
    const last = this.batchLastLine;
    if (b.length > 0) await this.publishWithRetries(b);
    this.batch = [];
    this.sent += b.length;
    this.lastLineSent = Math.max(this.lastLineSent, last);
  }

  /** The same batch again (same event ids) until the broker takes it or the budget is spent. */
  private async publishWithRetries(b: EventEnvelope<'CheckInRecorded'>[]): Promise<void> {
    const budget = this.sink.retry;
    const firstFailure = { at: 0 };
    for (let attempt = 1; ; attempt++) {
      const left = budget ? budget.budgetMs - (firstFailure.at ? Date.now() - firstFailure.at : 0) : 0;
      try {
        // A publish that hangs (kafkajs retrying a dead broker) counts against the budget too.
        await (firstFailure.at && budget ? withTimeout(this.sink.publish(b), Math.max(left, 1)) : this.sink.publish(b));
        return;
      } catch (e) {
        const err = e as Error;
        firstFailure.at ||= Date.now();
        const spent = Date.now() - firstFailure.at;
        if (!budget || spent >= budget.budgetMs) throw new FeedStopped(this.summary(), err, budget?.budgetMs ?? 0);
        const wait = Math.min(5000, (budget.backoffMs ?? 500) * 2 ** (attempt - 1), budget.budgetMs - spent);
        budget.onRetry?.(attempt, err, wait);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  summary(): ReplaySummary {
    const elapsedMs = Date.now() - this.started;
    return {
      lines: this.lines,
      sent: this.sent,
      rejected: this.rejected,
      elapsedMs,
      rate: this.sent / Math.max(elapsedMs / 1000, 0.001),
      lastLineSent: this.lastLineSent,
      skipped: this.skipped,
    };
  }

  async finish(): Promise<ReplaySummary> {
    await this.flush();
    this.sink.onProgress?.({ done: this.lines, fraction: 1, sent: this.sent, rejected: this.rejected.length });
    return this.summary();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no acknowledgement within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * `feed replay <file.csv>`: every line of the CSV as a CheckInRecorded event on checkins.v1.
 * Lines that break the contract are counted with their line number and reason and never sent.
 */
export async function replayCsv(file: string, sink: Sink): Promise<ReplaySummary> {
  const size = statSync(file).size;
  const source = `csv:${basename(file)}`.slice(0, 128);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  const pipeline = new Pipeline(sink);
  let lineNo = 0;
  let bytes = 0;
  for await (const line of lines) {
    lineNo++;
    bytes += Buffer.byteLength(line) + 1;
    if (lineNo === 1) {
      const problem = checkHeader(line);
      if (problem) {
        lines.close();
        throw new CsvHeaderError(`${file}: ${problem}`);
      }
      continue;
    }
    if (sink.resumeFromLine !== undefined && lineNo < sink.resumeFromLine) {
      pipeline.skip();
      continue;
    }
    await pipeline.accept(lineNo, line, source, () => (size > 0 ? Math.min(1, bytes / size) : null));
  }
  return pipeline.finish();
}

/** Publishes simulated rows the same way a replayed file would be. */
export async function publishRows(
  rows: Iterable<CsvRow>,
  source: string,
  sink: Sink,
  total?: number,
): Promise<ReplaySummary> {
  const pipeline = new Pipeline(sink);
  let n = 0;
  for (const row of rows) {
    n++;
    await pipeline.accept(n, formatCsvRow(row), source, () => (total ? Math.min(1, n / total) : null));
  }
  return pipeline.finish();
}
