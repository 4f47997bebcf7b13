/**
 * Sends `signal` to the process group `pid` leads. Returns false when the group is already gone
 * (ESRCH), which is what stopping a process that has exited means; any other failure (EPERM: not
 * ours to signal) is thrown, never swallowed.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
