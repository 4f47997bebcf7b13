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
}

export class CsvHeaderError extends Error {}

interface Sink {
  publish: Publish;
  batchSize: number;
  onProgress?: (p: Progress) => void;
}

/** Publishes events in batches, keeping counts; the source's lines go through `accept`. */
class Pipeline {
  private batch: EventEnvelope<'CheckInRecorded'>[] = [];
  readonly rejected: { line: number; reason: string }[] = [];
  sent = 0;
  lines = 0;
  private readonly started = Date.now();
  private lastProgress = 0;

  constructor(private readonly sink: Sink) {}

  async accept(lineNo: number, line: string, source: string, fraction: () => number | null): Promise<void> {
    this.lines++;
    const r = lineToEvent(line, source);
    if (r.ok === 'blank') return;
    if (r.ok === false) this.rejected.push({ line: lineNo, reason: r.reason });
    else this.batch.push(r.event);
    if (this.batch.length >= this.sink.batchSize) await this.flush();
    const now = Date.now();
    if (this.sink.onProgress && now - this.lastProgress > 200) {
      this.lastProgress = now;
      this.sink.onProgress({ done: this.lines, fraction: fraction(), sent: this.sent, rejected: this.rejected.length });
    }
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const b = this.batch;
    this.batch = [];
    await this.sink.publish(b);
    this.sent += b.length;
  }

  async finish(): Promise<ReplaySummary> {
    await this.flush();
    this.sink.onProgress?.({ done: this.lines, fraction: 1, sent: this.sent, rejected: this.rejected.length });
    const elapsedMs = Date.now() - this.started;
    return { lines: this.lines, sent: this.sent, rejected: this.rejected, elapsedMs, rate: this.sent / Math.max(elapsedMs / 1000, 0.001) };
  }
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
    await pipeline.accept(lineNo, line, source, () => (size > 0 ? Math.min(1, bytes / size) : null));
  }
  return pipeline.finish();
}

/** Publishes simulated rows the same way a replayed file would be. */
export async function publishRows(rows: Iterable<CsvRow>, source: string, sink: Sink, total?: number): Promise<ReplaySummary> {
  const pipeline = new Pipeline(sink);
  let n = 0;
  for (const row of rows) {
    n++;
    await pipeline.accept(n, formatCsvRow(row), source, () => (total ? Math.min(1, n / total) : null));
  }
  return pipeline.finish();
}
