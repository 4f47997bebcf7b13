/** The channel a service's outbox notifies at commit (pg_notify) and its relay listens on. */
export const outboxChannel = (schema: string) => `ct_outbox_${schema}`;

/** An outbox row as the relay sends it. */
export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: string;
}

/**
 * Bursts this process has just committed to the outbox, kept in memory while this process's relay
 * is the publishing one, so it sends them without reading 1 KB per event back from PostgreSQL. The
 * table stays the record: the relay still takes the ids from it, and reads whatever is not here
 * (other processes' rows, rows past the bound, anything after a restart).
 */
export class OutboxCache {
  private readonly rows = new Map<string, OutboxRow>();
  private active = false;
  private waker?: () => void;

  constructor(private readonly max = 50_000) {}

  get enabled(): boolean {
    return this.active;
  }

  /** On while this process's relay holds the lead; off clears. */
  enable(on: boolean): void {
    this.active = on;
    if (!on) this.rows.clear();
  }

  offer(rows: OutboxRow[]): void {
    if (!this.active) return;
    for (const r of rows) {
      if (this.rows.size >= this.max) return;
      this.rows.set(r.id, r);
    }
  }

  /**
   * Forgets everything: called when the outbox table is empty. An entry whose row the relay had
   * already read from the table (it was woken by the commit before the entry was offered) is never
   * taken, and would otherwise stay until the bound.
   */
  clear(): void {
    this.rows.clear();
  }

  /** The relay's wake-up, set by this process's relay. */
  onWake(wake: () => void): void {
    this.waker = wake;
  }

  /** Wakes this process's relay (rows just committed). */
  wake(): void {
    this.waker?.();
  }

  take(id: string): OutboxRow | undefined {
    const r = this.rows.get(id);
    if (r) this.rows.delete(id);
    return r;
  }

  get size(): number {
    return this.rows.size;
  }
}
