/**
 * Runs many small requests of the same kind as one: `run(item)` joins the batch that starts when
 * the batch in flight returns, so nothing waits when it is alone (no timer, no added latency) and
 * under load N concurrent callers share one round trip instead of N. `flush` answers one result
 * per item, in order. When a batch of several fails, each of its items is run again alone, so one
 * bad item fails only its own caller.
 *
 * The flush runs in the async context of the caller that started it: only for work that does not
 * depend on the caller's transaction or log context (take what it needs from the caller first).
 */
export class Coalescer<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private draining = false;

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 64,
  ) {}

  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.settle(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private async settle(batch: Coalescer<I, O>['queue']): Promise<void> {
    let out: O[];
    try {
      out = await this.flush(batch.map((b) => b.item));
      if (out.length !== batch.length)
        throw new Error(`flush answered ${out.length} results for ${batch.length} items`);
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      for (const one of batch) await this.settle([one]);
      return;
    }
    batch.forEach((b, i) => b.resolve(out[i]));
  }
}
