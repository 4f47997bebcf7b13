import { readHeaders } from '@ct/contracts';
import type { TappedMessage } from '@ct/messaging';

/** What the monitor shows of one message: headers as strings, the value as JSON when it parses. */
export interface ObservedEvent {
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  type: string | null;
  headers: Record<string, string>;
  payload: unknown;
}

export interface TopicSummary {
  topic: string;
  count: number;
  /** Messages whose broker timestamp falls in the last 60 s. */
  lastMinute: number;
  /** Per-minute counts of the last `minutes` minutes, oldest first (ISO minute → count). */
  perMinute: { minute: string; count: number }[];
  byType: Record<string, number>;
  lastEventAt: string | null;
}

const MINUTE = 60_000;

export function toObserved(m: TappedMessage): ObservedEvent {
  const headers = readHeaders(m.headers);
  const text = m.value === null || m.value === undefined ? null : m.value.toString('utf8');
  let payload: unknown = text;
  if (text !== null) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = text; // not JSON (a poisoned message): shown as text
    }
  }
  return {
    partition: m.partition,
    offset: m.offset,
    timestamp: new Date(Number(m.timestamp)).toISOString(),
    key: m.key === null || m.key === undefined ? null : m.key.toString('utf8'),
    type: headers.ce_type ?? null,
    headers,
    payload,
  };
}

/**
 * Counts and rates of one topic, bucketed by each message's broker timestamp (so a consumer catching
 * up on history does not show a false spike now), and a ring of the latest events.
 */
export class TopicStats {
  count = 0;
  private minutes = new Map<number, number>();
  private byType: Record<string, number> = {};
  private recent: ObservedEvent[] = [];
  private lastTs = 0;

  constructor(
    readonly topic: string,
    private readonly keep: number,
    private readonly window = 60,
  ) {}

  add(e: ObservedEvent): void {
    this.count++;
    const ts = Date.parse(e.timestamp);
    const bucket = Math.floor(ts / MINUTE);
    this.minutes.set(bucket, (this.minutes.get(bucket) ?? 0) + 1);
    const oldest = bucket - this.window;
    if (this.minutes.size > this.window + 2)
      for (const k of this.minutes.keys()) if (k < oldest) this.minutes.delete(k);
    const type = e.type ?? '(none)';
    this.byType[type] = (this.byType[type] ?? 0) + 1;
    this.lastTs = Math.max(this.lastTs, ts);
    this.recent.push(e);
    if (this.recent.length > this.keep) this.recent.shift();
  }

  latest(limit: number): ObservedEvent[] {
    return this.recent.slice(-limit).reverse();
  }

  summary(now: number, minutes = 15): TopicSummary {
    const current = Math.floor(now / MINUTE);
    const perMinute: { minute: string; count: number }[] = [];
    for (let b = current - minutes + 1; b <= current; b++)
      perMinute.push({ minute: new Date(b * MINUTE).toISOString(), count: this.minutes.get(b) ?? 0 });
    // Last 60 s: the current minute's bucket plus the share of the previous one still inside the window.
    const into = (now % MINUTE) / MINUTE;
    const lastMinute = Math.round((this.minutes.get(current) ?? 0) + (this.minutes.get(current - 1) ?? 0) * (1 - into));
    return {
      topic: this.topic,
      count: this.count,
      lastMinute,
      perMinute,
      byType: { ...this.byType },
      lastEventAt: this.lastTs ? new Date(this.lastTs).toISOString() : null,
    };
  }
}
