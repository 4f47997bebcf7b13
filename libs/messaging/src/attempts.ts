import type { EachBatchPayload } from 'kafkajs';
import type { Logger } from 'pino';
import { backoffDelay, classifyFailure, Failure, RetryPolicy } from './failures';
import { MessagingObserver } from './observer';

/** Where a retry or a dead letter happened, for the one log line each decision gets. */
export interface Where {
  topic: string;
  partition: number;
  offset: string;
  eventId?: string;
  type?: string;
}

export type Attempt<T> =
  { ok: true; value: T } | { ok: false; failure: Failure; attempts: number } | { ok: false; abandoned: true };

export interface AttemptSettings {
  groupId: string;
  log: Logger;
  observer: MessagingObserver;
  policy: RetryPolicy;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The transport's retry policy for one consumer (failures.ts classifies): attempts with backoff,
 * heartbeats while a handler runs and while waiting, and the outage state (one log line and a
 * metric when the broker or the database goes away and when it is back).
 */
export class Attempts {
  private outage = false;

  constructor(private readonly d: AttemptSettings) {}

  /**
   * Runs `fn` until it succeeds, its failure is permanent, or a failure that is neither permanent
   * nor infrastructure has happened `maxAttempts` times. Infrastructure failures are retried
   * without limit (backoff up to maxBackoffMs) while this instance still owns the partition.
   */
  async run<T>(p: EachBatchPayload, where: Where, maxAttempts: number, fn: () => Promise<T>): Promise<Attempt<T>> {
    for (let attempt = 1, counted = 0; ; attempt++) {
      try {
        const value = await this.withHeartbeats(p, fn);
        if (this.outage) {
          this.outage = false;
          this.d.log.warn({ ...where }, 'outage over: events are handled again');
          this.d.observer.outage(this.d.groupId, false);
        }
        return { ok: true, value };
      } catch (err) {
        const f = classifyFailure(err);
        if (f.kind === 'permanent') return { ok: false, failure: f, attempts: attempt };
        if (f.kind === 'unknown' && ++counted >= maxAttempts) {
          return {
            ok: false,
            failure:
              maxAttempts > 1 ? { ...f, category: 'exhausted', reason: `failed ${counted} times: ${f.reason}` } : f,
            attempts: attempt,
          };
        }
        if (f.kind === 'infrastructure' && !this.outage) {
          this.outage = true;
          this.d.observer.outage(this.d.groupId, true);
        }
        const delay = backoffDelay(this.d.policy, f.kind === 'infrastructure' ? attempt : counted);
        this.d.observer.retried(where.topic, f.kind);
        this.d.log.warn(
          { ...where, attempt, kind: f.kind, reason: f.reason, retryInMs: delay },
          f.kind === 'infrastructure'
            ? 'infrastructure failure; retrying without limit'
            : 'event handling failed; retrying',
        );
        if (!(await this.pause(p, delay))) {
          this.d.log.warn(
            { ...where },
            'partition revoked or consumer stopping during retries; the event stays uncommitted for the next owner',
          );
          return { ok: false, abandoned: true };
        }
      }
    }
  }

  /** Waits, heartbeating; false when the partition is no longer ours or the consumer stops. */
  async pause(p: EachBatchPayload, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!p.isRunning() || p.isStale()) return false;
      await sleep(Math.min(250, until - Date.now()));
      await p.heartbeat().catch(() => undefined);
    }
    return p.isRunning() && !p.isStale();
  }

  /** Keeps the group session alive while a long handler runs (kafkajs only heartbeats between fetches). */
  private async withHeartbeats<T>(p: EachBatchPayload, fn: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => void p.heartbeat().catch(() => undefined), 1000);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }
}
