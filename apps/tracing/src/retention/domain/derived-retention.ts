/**
 * When rows derived from check-ins (contacts, exposure sites, late-data bookkeeping) may go. They
 * are kept `retentionDays` after the exposure or the stay ended, and never before the stays they
 * were derived from are gone: while the visit store still holds a day, a retrace could find those
 * stays again and announce a purged contact a second time.
 */
const DAY_MS = 86_400_000;

/**
 * The purge horizon: derived rows that ended before it may be deleted. `oldestStoredDay` is the
 * oldest day partition of the visit store ('YYYY-MM-DD', UTC), null when there is none.
 */
export function derivedHorizon(now: Date, retentionDays: number, oldestStoredDay: string | null): Date {
  const wanted = now.getTime() - retentionDays * DAY_MS;
  if (oldestStoredDay === null) return new Date(wanted);
  const stored = Date.parse(`${oldestStoredDay}T00:00:00Z`);
  return new Date(Number.isNaN(stored) ? wanted : Math.min(wanted, stored));
}

/** The day of a visit partition's name (visits_YYYYMMDD), null for anything else. */
export function partitionDay(name: string): string | null {
  const m = /^visits_(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}
