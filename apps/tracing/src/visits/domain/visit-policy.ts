/**
 * Pure rules of the visit store: which check-ins are admissible, the stay's effective end, and how
 * one batch collapses to at most one row per stay (a single INSERT ... ON CONFLICT cannot touch the
 * same row twice).
 */
export interface CheckIn {
  checkInId: string;
  personId: string;
  venueId: string;
  checkedInAt: string;
  checkedOutAt: string | null;
  source: string;
}

export interface VisitPolicy {
  defaultStayMinutes: number;
  retentionDays: number;
  maxClockSkewSeconds: number;
}

/** A stay as written; times stay the feed's ISO-8601 strings (PostgreSQL reads them), ends_at is computed in SQL by the same rule as endOfStay. */
export interface VisitRow {
  checkInId: string;
  personId: string;
  venueId: string;
  checkedInAt: string;
  checkedOutAt: string | null;
  source: string;
}

export interface Rejection<T> {
  item: T;
  reason: string;
  fields: { field: string; problems: string[] }[];
}

export interface PlannedBatch<T> {
  rows: VisitRow[];
  rejected: Rejection<T>[];
  /** UTC days ('YYYY-MM-DD') the rows fall in: their partitions must exist before the write. */
  days: string[];
}

const DAY_MS = 86_400_000;

export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The oldest instant still inside retention: check-ins before it are refused and purged. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/** The first UTC day kept: partitions of earlier days hold only expired stays and may be dropped. */
export function firstKeptDay(now: Date, retentionDays: number): string {
  return utcDay(retentionCutoff(now, retentionDays));
}

export function endOfStay(checkedInAt: Date, checkedOutAt: Date | null, defaultStayMinutes: number): Date {
  return checkedOutAt ?? new Date(checkedInAt.getTime() + defaultStayMinutes * 60_000);
}

/** Why a (contract-valid) check-in cannot be stored, or null when it can. */
export function admissibility(
  c: Pick<CheckIn, 'checkedInAt' | 'checkedOutAt'>,
  now: Date,
  p: VisitPolicy,
): Rejection<null> | null {
  const inAt = Date.parse(c.checkedInAt);
  const latest = now.getTime() + p.maxClockSkewSeconds * 1000;
  if (inAt > latest) {
    return {
      item: null,
      reason: 'check-in in the future',
      fields: [
        { field: 'checkedInAt', problems: [`checkedInAt is after now + ${p.maxClockSkewSeconds} s of clock skew`] },
      ],
    };
  }
  if (c.checkedOutAt !== null && Date.parse(c.checkedOutAt) > latest) {
    return {
      item: null,
      reason: 'check-out in the future',
      fields: [
        { field: 'checkedOutAt', problems: [`checkedOutAt is after now + ${p.maxClockSkewSeconds} s of clock skew`] },
      ],
    };
  }
  if (inAt < retentionCutoff(now, p.retentionDays).getTime()) {
    return {
      item: null,
      reason: 'check-in older than retention',
      fields: [
        { field: 'checkedInAt', problems: [`checkedInAt is older than the ${p.retentionDays}-day retention period`] },
      ],
    };
  }
  return null;
}

/**
 * Admissible check-ins of a batch as rows, one per stay (checkInId + checkedInAt). When a stay
 * appears several times, a record with a check-out wins over one without, and the later record
 * wins among records of the same kind: a feed that completes a stay sends the check-out later.
 */
export function planBatch<T>(items: T[], payload: (item: T) => CheckIn, now: Date, p: VisitPolicy): PlannedBatch<T> {
  const byStay = new Map<string, VisitRow>();
  const rejected: Rejection<T>[] = [];
  const dayNumbers = new Set<number>();
  const latest = now.getTime() + p.maxClockSkewSeconds * 1000;
  const oldest = retentionCutoff(now, p.retentionDays).getTime();
  for (const item of items) {
    const c = payload(item);
    const inAt = Date.parse(c.checkedInAt);
    // The common case checked cheaply; anything out of bounds gets its reason from admissibility.
    if (inAt > latest || inAt < oldest || (c.checkedOutAt !== null && Date.parse(c.checkedOutAt) > latest)) {
      const refusal = admissibility(c, now, p);
      if (refusal) {
        rejected.push({ ...refusal, item });
        continue;
      }
    }
    const row: VisitRow = {
      checkInId: c.checkInId,
      personId: c.personId,
      venueId: c.venueId,
      checkedInAt: c.checkedInAt,
      checkedOutAt: c.checkedOutAt,
      source: c.source,
    };
    const key = `${c.checkInId}\u0000${inAt}`;
    const seen = byStay.get(key);
    if (!seen || row.checkedOutAt !== null || seen.checkedOutAt === null) byStay.set(key, row);
    dayNumbers.add(Math.floor(inAt / DAY_MS));
  }
  const days = [...dayNumbers].sort((a, b) => a - b).map((d) => utcDay(new Date(d * DAY_MS)));
  return { rows: [...byStay.values()], rejected, days };
}
