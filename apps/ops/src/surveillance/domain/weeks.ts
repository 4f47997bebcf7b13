/**
 * ISO weeks (Monday to Sunday) in Vietnam's local time (UTC+7, no daylight saving): a case
 * confirmed on Sunday 23:30 local belongs to that Sunday's week even though it is 16:30 UTC.
 */
export const VN_OFFSET_MS = 7 * 3600_000;

/** The Monday (YYYY-MM-DD) of the local ISO week containing `at`. */
export function weekStartOf(at: Date | string): string {
  const local = new Date(new Date(at).getTime() + VN_OFFSET_MS);
  const day = (local.getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - day));
  return monday.toISOString().slice(0, 10);
}

export function addWeeks(weekStart: string, n: number): string {
  const d = new Date(`${weekStart}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7 * n);
  return d.toISOString().slice(0, 10);
}

/** ISO week label, e.g. 2021-W46. */
export function isoWeekLabel(weekStart: string): string {
  const d = new Date(`${weekStart}T00:00:00Z`);
  const thursday = new Date(d);
  thursday.setUTCDate(d.getUTCDate() + 3);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / 86400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Percentage change from the previous week, one decimal; null when the previous week had none. */
export function changePct(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

/** The way officials read the figure: "320 cases this week, down 34.1%". */
export function phrase(current: number, previous: number): string {
  const cases = `${current} ${current === 1 ? 'case' : 'cases'} this week`;
  const pct = changePct(current, previous);
  if (pct === null) return current === 0 ? `${cases}, none the week before` : `${cases}, none the week before`;
  if (pct === 0) return `${cases}, unchanged`;
  return `${cases}, ${pct < 0 ? 'down' : 'up'} ${Math.abs(pct).toFixed(1)}%`;
}
