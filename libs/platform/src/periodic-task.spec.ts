import { schedulePeriodic } from './periodic-task';

describe(schedulePeriodic.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs on each tick, first after firstAfterMs, and never overlaps a run in progress', async () => {
    let finish!: () => void;
    const run = jest.fn(() => new Promise<void>((r) => (finish = r)));
    const task = schedulePeriodic({ everyMs: 1000, firstAfterMs: 10, run, onError: jest.fn() });
    await jest.advanceTimersByTimeAsync(10);
    expect(run).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(3000);
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await jest.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(2);
    finish();
    await task.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('reports a failed run and tries again at the next tick', async () => {
    const onError = jest.fn();
    const run = jest.fn().mockRejectedValueOnce(new Error('db down')).mockResolvedValue(undefined);
    const task = schedulePeriodic({ everyMs: 100, run, onError });
    await jest.advanceTimersByTimeAsync(100);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'db down' }));
    await jest.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(2);
    await task.stop();
  });
});
