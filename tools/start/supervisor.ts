import { ChildProcess } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running instance of a child: how to learn that it ended and how to end it. */
export interface ChildHandle {
  pid: number;
  /** Settles when the process has exited, whatever the reason. */
  exited: Promise<ChildExit>;
  /** Ends it (SIGTERM, then SIGKILL after a grace period) and resolves when it is gone. */
  stop(): Promise<void>;
}

export interface ChildSpec {
  name: string;
  /** Starts one instance and resolves once it is ready (rejects if it cannot start). */
  start(): Promise<ChildHandle>;
  /** Exit codes that mean "restarting cannot help" (e.g. 78, a configuration error): stop everything. */
  fatalCodes?: number[];
  /** stopAll() stops the highest tier first, the children of one tier together (default 0). */
  tier?: number;
}

export interface SupervisorOptions {
  log: (line: string) => void;
  /** First restart delay; doubles with each consecutive crash up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A child that ran this long before dying starts again from baseDelayMs. */
  stableMs?: number;
  /** Consecutive failed restarts (crash before stableMs, or start() rejected) before giving up. */
  maxConsecutiveFailures?: number;
  /** Called once when a child cannot be kept running; the caller stops everything. */
  onGiveUp: (name: string, why: string) => void;
}

/** "killed by SIGKILL" or "exited with code 1": the words a log line needs. */
export function describeExit(e: ChildExit): string {
  if (e.signal) return `was killed by ${e.signal}`;
  return `exited with code ${e.code}`;
}

/** min(base · 2^(n-1), max) for the n-th consecutive failure (n ≥ 1). */
export function backoffDelay(consecutive: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(consecutive - 1, 30)));
}

interface Slot {
  spec: ChildSpec;
  handle?: ChildHandle;
  startedAt: number;
  consecutive: number;
  restarts: number;
  timer?: NodeJS.Timeout;
  /** A restart in progress, awaited by stopAll(). */
  starting?: Promise<void>;
}

/**
 * Keeps children running: a child that dies while nobody asked it to is started again after a
 * backoff delay (the log says which child, how it ended and when it comes back); one that keeps
 * failing, or fails in a way restarting cannot fix, makes the supervisor give up so the caller stops
 * everything. stopAll() ends the children tier by tier (highest first) and waits for each.
 */
export class Supervisor {
  private readonly slots: Slot[] = [];
  private stopping = false;
  private gaveUp = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly stableMs: number;
  private readonly maxFailures: number;

  constructor(private readonly opts: SupervisorOptions) {
    this.baseDelayMs = opts.baseDelayMs ?? 1000;
    this.maxDelayMs = opts.maxDelayMs ?? 30000;
    this.stableMs = opts.stableMs ?? 60000;
    this.maxFailures = opts.maxConsecutiveFailures ?? 8;
  }

  /** Starts the child (rejects if the first start fails) and watches it from then on. */
  async add(spec: ChildSpec): Promise<ChildHandle> {
    if (this.stopping) throw new Error(`not starting ${spec.name}: stopping`);
    const slot: Slot = { spec, startedAt: Date.now(), consecutive: 0, restarts: 0 };
    this.slots.push(slot);
    const handle = await spec.start();
    this.attach(slot, handle);
    return handle;
  }

  /** The current pid of each child, for tests and the start-up banner. */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.slots.map((s) => [s.spec.name, s.handle?.pid]));
  }

  restartsOf(name: string): number {
    return this.slots.find((s) => s.spec.name === name)?.restarts ?? 0;
  }

  private attach(slot: Slot, handle: ChildHandle): void {
    slot.handle = handle;
    slot.startedAt = Date.now();
    void handle.exited.then((exit) => {
      if (slot.handle !== handle) return;
      slot.handle = undefined;
      if (this.stopping) return;
      this.crashed(slot, exit);
    });
  }

  private crashed(slot: Slot, exit: ChildExit): void {
    const name = slot.spec.name;
    if (exit.code !== null && slot.spec.fatalCodes?.includes(exit.code)) {
      return this.giveUp(name, `${name} ${describeExit(exit)}, which restarting cannot fix`);
    }
    slot.consecutive = Date.now() - slot.startedAt >= this.stableMs ? 1 : slot.consecutive + 1;
    this.scheduleRestart(slot, `${name} ${describeExit(exit)}`);
  }

  private scheduleRestart(slot: Slot, what: string): void {
    const name = slot.spec.name;
    if (slot.consecutive > this.maxFailures) {
      return this.giveUp(name, `${what}; ${this.maxFailures} restarts in a row failed, giving up`);
    }
    const delay = backoffDelay(slot.consecutive, this.baseDelayMs, this.maxDelayMs);
    this.opts.log(
      `supervisor: ${what} unexpectedly; restarting it in ${(delay / 1000).toFixed(1)} s (restart ${slot.restarts + 1})`,
    );
    slot.timer = setTimeout(() => {
      slot.starting = this.restart(slot).finally(() => (slot.starting = undefined));
    }, delay);
  }

  private async restart(slot: Slot): Promise<void> {
    slot.timer = undefined;
    if (this.stopping) return;
    slot.restarts++;
    slot.startedAt = Date.now();
    try {
      const handle = await slot.spec.start();
      if (this.stopping) {
        await handle.stop();
        return;
      }
      this.attach(slot, handle);
      this.opts.log(`supervisor: ${slot.spec.name} is running again (pid ${handle.pid})`);
    } catch (err) {
      if (this.stopping) return;
      slot.consecutive++;
      this.scheduleRestart(slot, `${slot.spec.name} could not be restarted (${(err as Error).message})`);
    }
  }

  private giveUp(name: string, why: string): void {
    if (this.gaveUp || this.stopping) return;
    this.gaveUp = true;
    this.opts.log(`supervisor: ${why}; stopping everything`);
    this.opts.onGiveUp(name, why);
  }

  /** Cancels pending restarts and stops every child, highest tier first. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const s of this.slots) if (s.timer) clearTimeout(s.timer);
    await Promise.all(this.slots.map((s) => s.starting ?? Promise.resolve()));
    const tiers = [...new Set(this.slots.map((s) => s.spec.tier ?? 0))].sort((a, b) => b - a);
    for (const tier of tiers) {
      await Promise.all(
        this.slots
          .filter((s) => (s.spec.tier ?? 0) === tier && s.handle)
          .map((s) =>
            s
              .handle!.stop()
              .catch((err) => this.opts.log(`supervisor: stopping ${s.spec.name}: ${(err as Error).message}`)),
          ),
      );
    }
  }
}

/** A ChildHandle for a spawned process: stop() sends SIGTERM, then SIGKILL after graceMs. */
export function processHandle(proc: ChildProcess, graceMs = 10000): ChildHandle {
  const exited = new Promise<ChildExit>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: proc.pid ?? -1,
    exited,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
