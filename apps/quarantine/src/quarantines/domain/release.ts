import { Order, Result } from './decision';

export type ReleaseOutcome = 'RELEASE' | 'OVERDUE' | 'WAIT';

export interface ExitTest {
  status: 'SCHEDULED' | 'RECORDED';
  result: Result | null;
  dueOn: string;
}

/**
 * The timer rule the release pass applies (in SQL, set-based; this is its specification):
 * a quarantine is released when its period is over and its exit test (the latest test not
 * cancelled) is negative; when the period is over and the exit test's day has passed without a
 * negative result, the person stays and is flagged overdue. A watch ends when its period is over.
 */
export function releaseOutcome(
  order: Pick<Order, 'kind' | 'endsAt'>,
  exit: ExitTest | null,
  now: Date,
  today: string,
): ReleaseOutcome {
  if (order.endsAt > now) return 'WAIT';
  if (order.kind === 'SELF_MONITORING') return 'RELEASE';
  if (exit?.status === 'RECORDED' && exit.result === 'NEGATIVE') return 'RELEASE';
  if (!exit || exit.dueOn < today) return 'OVERDUE';
  return 'WAIT';
}
