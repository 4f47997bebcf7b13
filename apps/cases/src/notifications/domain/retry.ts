/** What a channel says about one attempt. */
export type SendOutcome =
  | { ok: true; segments?: number }
  /** permanent: the gateway refused the message itself (4xx, SMTP 5xx); else worth another try. */
  | { ok: false; permanent: boolean; reason: string };

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** Counted from the first attempt. */
  giveUpAfterMs: number;
}

/**
 * After a failed attempt (the `attempts`-th): when to try again (exponential backoff, capped), or
 * null when the message has failed for good (permanent, or no attempt left inside the period).
 */
export function nextAttemptAt(
  outcome: { permanent: boolean },
  attempts: number,
  firstAttemptAt: Date,
  now: Date,
  p: RetryPolicy,
): Date | null {
  if (outcome.permanent) return null;
  const delay = Math.min(p.maxMs, p.baseMs * 2 ** Math.min(attempts - 1, 40));
  const at = new Date(now.getTime() + delay);
  const deadline = firstAttemptAt.getTime() + p.giveUpAfterMs;
  if (now.getTime() >= deadline) return null;
  return at.getTime() > deadline ? new Date(deadline) : at;
}
