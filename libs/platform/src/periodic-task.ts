export interface PeriodicTask {
  /** Stops the timers and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `everyMs` (first after `firstAfterMs`, default `everyMs`), never two at once in
 * this process: a tick that finds a run in progress is skipped. A failed run is reported to
 * `onError` and tried again at the next tick. Timers are unref'd so they never keep a process up.
 */
export function schedulePeriodic(o: {
  everyMs: number;
  firstAfterMs?: number;
  run: () => Promise<unknown>;
  onError: (err: Error) => void;
}): PeriodicTask {
  let running: Promise<unknown> | undefined;
  const tick = () => {
    running ??= o
      .run()
      .catch((err: unknown) => o.onError(err as Error))
      .finally(() => (running = undefined));
  };
  const timers: NodeJS.Timeout[] = [setInterval(tick, o.everyMs).unref()];
  if (o.firstAfterMs !== undefined) timers.push(setTimeout(tick, o.firstAfterMs).unref());
  return {
    async stop() {
      timers.forEach((t) => clearTimeout(t));
      await running;
    },
  };
}
