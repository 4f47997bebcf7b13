/**
 * Whether this instance's consumer is in its group and consuming, for /health/ready. The transport
 * (server.ts) sets it; a service without consumers is `consuming` from the start.
 */
export class ConsumerStatus {
  /** null: no consumer started yet. */
  private state: { up: boolean; since: number; topics: number } | null = null;
  set(up: boolean, topics = this.state?.topics ?? 0): void {
    if (this.state?.up !== up || this.state.topics !== topics) this.state = { up, since: Date.now(), topics };
  }
  get up(): boolean {
    return this.state?.up === true;
  }
  describe(): { up: boolean; sinceMs: number | null; topics: number } {
    return { up: this.up, sinceMs: this.state ? Date.now() - this.state.since : null, topics: this.state?.topics ?? 0 };
  }
}
