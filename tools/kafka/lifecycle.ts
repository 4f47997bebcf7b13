/**
 * Process handling for the broker: free ports and readiness (the log's ready line, then a real
 * connection), log tails for error messages, and the watchdog that kills every broker this process
 * started when it exits or dies.
 */
import { promises as fsp, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { signalGroup } from '../support/process-group';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const READY_MARKER = 'Kafka Server started';
export const TAIL_LINES = 40;
export const STOP_GRACE_MS = 20_000;

export const defaultLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)} s`;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? res(addr.port) : rej(new Error('no port assigned'))));
    });
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.setTimeout(1000);
    sock.once('connect', () => {
      sock.destroy();
      res(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      res(false);
    });
    sock.once('error', () => res(false));
  });
}

export async function tailOf(file: string, lines = TAIL_LINES): Promise<string> {
  try {
    const fh = await fsp.open(file, 'r');
    try {
      const { size } = await fh.stat();
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, size - len);
      return buf
        .toString('utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .slice(-lines)
        .join('\n');
    } finally {
      await fh.close();
    }
  } catch {
    return '(no log output)';
  }
}

/** The first ERROR/FATAL records (with the exception line after each) since `offset`: the root cause, which a tail full of shutdown noise hides. */
export async function firstErrors(file: string, offset: number, max = 3): Promise<string[]> {
  const text = await fsp.readFile(file).then(
    (b) => b.subarray(offset).toString('utf8'),
    () => '',
  );
  const lines = text.split('\n');
  const found: string[] = [];
  for (let i = 0; i < lines.length && found.length < max; i++) {
    if (/^\[[^\]]+\] (ERROR|FATAL) /.test(lines[i])) found.push([lines[i], lines[i + 1] ?? ''].join('\n').trimEnd());
  }
  return found;
}

export function portInUse(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => res(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(false)));
  });
}

// One shared set of handlers for every broker this process started, so that a parent that exits or
// dies (the broker runs in its own process group, so Ctrl-C never reaches it) does not leak a JVM.
export interface Tracked {
  pid: number;
  removeDirSync?: string;
}
const tracked = new Set<Tracked>();
const FATAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killNowSync(t: Tracked): void {
  signalGroup(t.pid, 'SIGKILL');
  if (t.removeDirSync) rmSync(t.removeDirSync, { recursive: true, force: true, maxRetries: 3 });
}

function onParentExit(): void {
  for (const t of tracked) killNowSync(t);
  tracked.clear();
}

function onFatalSignal(signal: NodeJS.Signals): void {
  // If someone else also listens, they own the signal (e.g. the CLI stops the broker cleanly).
  if (process.listenerCount(signal) > 1) return;
  onParentExit();
  untrackAll();
  process.kill(process.pid, signal);
}

function untrackAll(): void {
  process.removeListener('exit', onParentExit);
  for (const s of FATAL_SIGNALS) process.removeListener(s, onFatalSignal);
}

export function track(t: Tracked): void {
  if (tracked.size === 0) {
    process.on('exit', onParentExit);
    for (const s of FATAL_SIGNALS) process.on(s, onFatalSignal);
  }
  tracked.add(t);
}

export function untrack(t: Tracked): void {
  tracked.delete(t);
  if (tracked.size === 0) untrackAll();
}

export async function waitForReady(o: {
  logFile: string;
  logOffset: number;
  port: number;
  pid: number;
  exited: Promise<ProcessExit>;
  timeoutMs: number;
}): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let exit: ProcessExit | undefined;
  void o.exited.then((e) => (exit = e));
  let offset = o.logOffset;
  let carry = '';
  let sawMarker = false;
  for (;;) {
    if (exit)
      throw new Error(`kafka: broker (pid ${o.pid}) exited before it was ready (exit ${exit.code ?? exit.signal})`);
    if (!sawMarker) {
      const fh = await fsp.open(o.logFile, 'r');
      try {
        const { size } = await fh.stat();
        if (size > offset) {
          const buf = Buffer.alloc(size - offset);
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          offset += bytesRead;
          const text = carry + buf.subarray(0, bytesRead).toString('utf8');
          sawMarker = text.includes(READY_MARKER);
          carry = text.slice(-READY_MARKER.length);
        }
      } finally {
        await fh.close();
      }
    }
    // The log line alone is not proof: the advertised port must really accept connections.
    if (sawMarker && (await canConnect(o.port))) return;
    if (Date.now() > deadline) {
      throw new Error(
        `kafka: broker (pid ${o.pid}) not ready within ${o.timeoutMs / 1000} s` +
          (sawMarker ? ` (logged "${READY_MARKER}" but port ${o.port} refuses connections)` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
