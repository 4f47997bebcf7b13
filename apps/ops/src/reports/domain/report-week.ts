import { addWeeks, weekStartOf } from '../../surveillance/domain/weeks';

/**
 * The week a report covers: `week` is a date in it (YYYY-MM-DD) or an ISO week (2021-W46), in local
 * time (UTC+7). Without one, the last complete week before `now` (officials report the past week).
 * Returns its Monday, or null when `week` is neither form.
 */
export function reportWeek(week: string | undefined, now: Date): string | null {
  if (week === undefined) return addWeeks(weekStartOf(now), -1);
  const iso = /^(\d{4})-W(\d{2})$/.exec(week);
  if (iso) {
    const [year, n] = [Number(iso[1]), Number(iso[2])];
    const jan4 = new Date(Date.UTC(year, 0, 4));
    const week1 = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000);
    const monday = addWeeks(week1.toISOString().slice(0, 10), n - 1);
    const weeksInYear = reportWeekCount(year);
    return n >= 1 && n <= weeksInYear ? monday : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(week)) return null;
  const d = new Date(`${week}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== week) return null;
  return weekStartOf(`${week}T05:00:00Z`);
}

/** 52 or 53: a year has 53 ISO weeks when it starts on a Thursday, or on a Wednesday in a leap year. */
function reportWeekCount(year: number): number {
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52;
}

/** The Sunday that ends the week (YYYY-MM-DD). */
export function weekEnd(weekStart: string): string {
  const d = new Date(`${weekStart}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 6);
  return d.toISOString().slice(0, 10);
}
