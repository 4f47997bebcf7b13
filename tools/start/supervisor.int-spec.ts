import { spawn } from 'node:child_process';
import { backoffDelay, ChildSpec, describeExit, processHandle, Supervisor } from './supervisor';

/** A real Node process that runs until killed, or exits with `code` at once. */
function nodeChild(
  name: string,
  opts: { exitCode?: number; tier?: number; fatalCodes?: number[] } = {},
): ChildSpec & { starts: number } {
  const spec = {
    name,
    starts: 0,
    tier: opts.tier,
    fatalCodes: opts.fatalCodes,
    start: async () => {
      spec.starts++;
      const script = opts.exitCode === undefined ? 'setInterval(() => {}, 1000)' : `process.exit(${opts.exitCode})`;
      return processHandle(spawn(process.execPath, ['-e', script], { stdio: 'ignore' }), 2000);
    },
  };
  return spec;
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, probe: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(Supervisor.name, () => {
  let supervisor: Supervisor | undefined;
  afterEach(async () => {
    await supervisor?.stopAll();
    supervisor = undefined;
  });

  it('restarts a child killed by a signal, says which and how, and leaves the others running', async () => {
    const lines: string[] = [];
    const gaveUp: string[] = [];
    supervisor = new Supervisor({ log: (l) => lines.push(l), baseDelayMs: 100, onGiveUp: (n) => gaveUp.push(n) });
    const a = nodeChild('tracing');
    const b = nodeChild('cases');
    await supervisor.add(a);
    await supervisor.add(b);
    const before = supervisor.pids();
    process.kill(before.tracing!, 'SIGKILL');
    await until(
      'tracing restarted',
      () => supervisor!.restartsOf('tracing') === 1 && alive(supervisor!.pids().tracing),
    );
    const after = supervisor.pids();
    expect(after.tracing).not.toBe(before.tracing);
    expect(after.cases).toBe(before.cases);
    expect(alive(after.cases)).toBe(true);
    expect(
      lines.some((l) => l.includes('tracing was killed by SIGKILL unexpectedly; restarting it in 0.1 s (restart 1)')),
    ).toBe(true);
    expect(lines.some((l) => l.includes(`tracing is running again (pid ${after.tracing})`))).toBe(true);
    expect(gaveUp).toEqual([]);

    process.kill(after.tracing!, 'SIGTERM');
    await until(
      'tracing restarted again',
      () => supervisor!.restartsOf('tracing') === 2 && alive(supervisor!.pids().tracing),
    );
    // The second crash in a row waits twice as long.
    expect(
      lines.some((l) => l.includes('tracing was killed by SIGTERM unexpectedly; restarting it in 0.2 s (restart 2)')),
    ).toBe(true);
  });

  it('gives up at once on an exit code restarting cannot fix', async () => {
    const lines: string[] = [];
    const gaveUp: string[] = [];
    supervisor = new Supervisor({ log: (l) => lines.push(l), baseDelayMs: 50, onGiveUp: (n) => gaveUp.push(n) });
    const bad = nodeChild('edge', { exitCode: 78, fatalCodes: [78] });
    await supervisor.add(bad);
    await until('give up', () => gaveUp.length === 1);
    expect(gaveUp).toEqual(['edge']);
    expect(bad.starts).toBe(1);
    expect(lines.join('\n')).toContain('edge exited with code 78, which restarting cannot fix; stopping everything');
  });

  it('gives up after too many failed restarts in a row, with growing delays', async () => {
    const lines: string[] = [];
    const gaveUp: string[] = [];
    supervisor = new Supervisor({
      log: (l) => lines.push(l),
      baseDelayMs: 100,
      maxDelayMs: 300,
      maxConsecutiveFailures: 3,
      onGiveUp: (n) => gaveUp.push(n),
    });
    const flaky = nodeChild('ops', { exitCode: 1 });
    await supervisor.add(flaky);
    await until('give up', () => gaveUp.length === 1);
    expect(flaky.starts).toBe(4);
    expect(
      lines.filter((l) => l.includes('ops exited with code 1 unexpectedly')).map((l) => /in ([\d.]+) s/.exec(l)?.[1]),
    ).toEqual(['0.1', '0.2', '0.3']);
    expect(lines[lines.length - 1]).toContain('3 restarts in a row failed, giving up; stopping everything');
  });

  it('stops every child, highest tier first, and restarts nothing after stopAll', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor({ log: (l) => lines.push(l), baseDelayMs: 10, onGiveUp: () => undefined });
    const order: string[] = [];
    const tracked = (name: string, tier: number): ChildSpec => {
      const inner = nodeChild(name, { tier });
      return {
        ...inner,
        start: async () => {
          const h = await inner.start();
          return {
            ...h,
            stop: async () => {
              order.push(name);
              await h.stop();
            },
          };
        },
      };
    };
    await supervisor.add(tracked('broker', 0));
    await supervisor.add(tracked('svc', 1));
    await supervisor.add(tracked('edge', 2));
    const pids = Object.values(supervisor.pids());
    expect(pids.every(alive)).toBe(true);
    await supervisor.stopAll();
    expect(order).toEqual(['edge', 'svc', 'broker']);
    expect(pids.some(alive)).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.filter((l) => l.includes('restarting'))).toEqual([]);
    supervisor = undefined;
  });
});

describe('supervisor helpers', () => {
  it('describes how a child ended', () => {
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('was killed by SIGKILL');
    expect(describeExit({ code: 3, signal: null })).toBe('exited with code 3');
  });
  it('doubles the delay up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 40].map((n) => backoffDelay(n, 1000, 30000))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });
});
