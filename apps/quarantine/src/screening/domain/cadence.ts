import { addDays } from '../../quarantines/domain/policy';

/**
 * Screening plans (issue 18) as plain rules: when rounds fall due and who is tested in each.
 * EVERY_N_DAYS: round r on startsOn + r·n, everyone in the group. DAILY_PERCENT: a round every day,
 * ceil(percent % of the group), taken in turn along the group's fixed order (wrapping), so everyone
 * is tested once every ceil(100 / percent) days. No round after endsOn.
 */
export type Cadence = { kind: 'EVERY_N_DAYS'; days: number } | { kind: 'DAILY_PERCENT'; percent: number };

export interface Round {
  round: number;
  dueOn: string;
}

/** Rounds due on or before `today` (and not after endsOn), from round `from` on. */
export function roundsDue(startsOn: string, endsOn: string, cadence: Cadence, today: string, from = 0): Round[] {
  const step = cadence.kind === 'EVERY_N_DAYS' ? cadence.days : 1;
  const last = today < endsOn ? today : endsOn;
  const out: Round[] = [];
  for (let r = from; ; r++) {
    const dueOn = addDays(startsOn, r * step);
    if (dueOn > last) return out;
    out.push({ round: r, dueOn });
  }
}

/** The members of a round, by their position in the group (0 … size − 1). */
export function membersOf(size: number, cadence: Cadence, round: number): number[] {
  if (size === 0) return [];
  if (cadence.kind === 'EVERY_N_DAYS') return Array.from({ length: size }, (_, i) => i);
  const k = Math.min(size, Math.ceil((size * cadence.percent) / 100));
  const start = (round * k) % size;
  return Array.from({ length: k }, (_, i) => (start + i) % size);
}

export interface RoundCounts {
  round: number;
  dueOn: string;
  due: number;
  tested: number;
  positives: number;
  /** Due day passed without a result. */
  missed: number;
}

/** Positives per 1,000 tests (null when nothing was tested yet). */
export function yieldPer1000(positives: number, tested: number): number | null {
  return tested === 0 ? null : Math.round((positives / tested) * 1_000_000) / 1000;
}

/** Coverage of a round: tested / due (null when nobody was due). */
export function coverage(c: Pick<RoundCounts, 'due' | 'tested'>): number | null {
  return c.due === 0 ? null : Math.round((c.tested / c.due) * 1000) / 1000;
}
