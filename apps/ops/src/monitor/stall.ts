/**
 * A stalled partition: the group has lag on it while its committed offset stands still. Each call
 * to `observe` (every /ops/lag read, the dashboard polls it) updates the partition's state; a
 * partition is flagged once its offset has not moved for `afterMs` while lag stayed above zero.
 */
export interface StallFlag {
  topic: string;
  partition: number;
  committed: string | null;
  lag: number;
  /** How long the committed offset has stood still with lag. */
  stalledForMs: number;
}

export class StallTracker {
  private readonly seen = new Map<string, { committed: string | null; since: number }>();

  constructor(private readonly afterMs: number) {}

  observe(
    group: string,
    topic: string,
    partition: number,
    committed: string | null,
    lag: number,
    now = Date.now(),
  ): StallFlag | null {
    const key = `${group}\u0000${topic}\u0000${partition}`;
    const prev = this.seen.get(key);
    if (lag <= 0) {
      this.seen.delete(key);
      return null;
    }
    if (!prev || prev.committed !== committed) {
      this.seen.set(key, { committed, since: now });
      return null;
    }
    const stalledForMs = now - prev.since;
    return stalledForMs >= this.afterMs ? { topic, partition, committed, lag, stalledForMs } : null;
  }
}
