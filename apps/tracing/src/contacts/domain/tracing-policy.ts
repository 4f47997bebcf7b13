/**
 * The contact-tracing rules as pure functions (no Nest, TypeORM or SQL): the infectious window,
 * co-location overlaps, collapsing many overlaps into one contact per (source, person), and merging
 * exposure-site intervals. Times are epoch milliseconds; every interval is half-open [start, end).
 */

export const DAY_MS = 86_400_000;

export type ContactKind = 'CO_LOCATION' | 'HOUSEHOLD' | 'DECLARED';

export interface TracingPolicy {
  /** The window opens this many days before symptom onset (else sample, else confirmation). */
  infectiousDaysBefore: number;
  /** Two stays are co-located when they overlap by MORE than this (0 = any positive overlap). */
  minOverlapMs: number;
}

export const DEFAULT_POLICY: TracingPolicy = { infectiousDaysBefore: 2, minOverlapMs: 0 };

export interface Interval {
  start: number;
  end: number;
}

/** A stay at a venue: [checked in, effective end), the end being the check-out or the default stay. */
export interface Stay extends Interval {
  personId: string;
  venueId: string;
}

export interface CaseFacts {
  caseId: string;
  personId: string;
  confirmedAt: number;
  symptomOnsetAt: number | null;
  sampleTakenAt: number | null;
}

/** One co-location of `personId` with `sourcePersonId` at a venue, already clipped to the window. */
export interface Overlap extends Interval {
  sourcePersonId: string;
  personId: string;
  venueId: string | null;
  kind: ContactKind;
}

/** One person as one contact of one source, however many overlaps there were. */
export interface Finding {
  sourcePersonId: string;
  personId: string;
  degree: 1 | 2;
  /** The exposure reported: the overlap that ended last (latest start on a tie). */
  exposure: { kind: ContactKind; venueId: string | null; start: number; end: number };
  firstExposureAt: number;
  /** The latest end of all overlaps with this source. */
  lastExposureAt: number;
}

/** [(symptom onset, else sample, else confirmation) − N days, confirmation]. */
export function infectiousWindow(c: CaseFacts, policy: TracingPolicy): Interval {
  const anchor = c.symptomOnsetAt ?? c.sampleTakenAt ?? c.confirmedAt;
  const start = Math.min(anchor, c.confirmedAt) - policy.infectiousDaysBefore * DAY_MS;
  return { start, end: c.confirmedAt };
}

/** The intersection of two half-open intervals, or null when it is not longer than `minMs`. */
export function intersect(a: Interval, b: Interval, minMs = 0): Interval | null {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return end - start > minMs ? { start, end } : null;
}

/** The part of a stay inside a window, or null. */
export function clip(stay: Stay, w: Interval): Stay | null {
  const i = intersect(stay, w);
  return i ? { ...stay, ...i } : null;
}

/** The exposure reported for a contact: latest end, then latest start, then smallest source and venue (deterministic). */
export function betterExposure(
  a: { start: number; end: number; sourcePersonId: string; venueId: string | null },
  b: { start: number; end: number; sourcePersonId: string; venueId: string | null },
): boolean {
  if (a.end !== b.end) return a.end > b.end;
  if (a.start !== b.start) return a.start > b.start;
  if (a.sourcePersonId !== b.sourcePersonId) return a.sourcePersonId < b.sourcePersonId;
  return (a.venueId ?? '') < (b.venueId ?? '');
}

/**
 * Collapses overlaps into findings; never a person as their own contact. Degree 1: one finding per
 * person (the source is the F0). Degree 2: also one finding per person for the case, however many
 * F1 they met; the source is the F1 of the reported exposure and lastExposureAt the latest end of
 * all of them (what quarantine counts from), so a crowded place cannot multiply F2 events.
 */
export function collapse(overlaps: Iterable<Overlap>, degree: 1 | 2): Finding[] {
  const byPerson = new Map<string, Finding>();
  for (const o of overlaps) {
    if (o.personId === o.sourcePersonId) continue;
    const f = byPerson.get(o.personId);
    if (!f) {
      byPerson.set(o.personId, {
        sourcePersonId: o.sourcePersonId,
        personId: o.personId,
        degree,
        exposure: { kind: o.kind, venueId: o.venueId, start: o.start, end: o.end },
        firstExposureAt: o.start,
        lastExposureAt: o.end,
      });
      continue;
    }
    absorb(f, o.sourcePersonId, { kind: o.kind, venueId: o.venueId, start: o.start, end: o.end }, o.start, o.end);
  }
  return [...byPerson.values()].sort(compareFindings);
}

/** One more exposure of a finding's person: the better one is reported; first and last widen. */
function absorb(f: Finding, sourcePersonId: string, exposure: Finding['exposure'], first: number, last: number): void {
  if (betterExposure({ ...exposure, sourcePersonId }, { ...f.exposure, sourcePersonId: f.sourcePersonId })) {
    f.exposure = exposure;
    f.sourcePersonId = sourcePersonId;
  }
  f.firstExposureAt = Math.min(f.firstExposureAt, first);
  f.lastExposureAt = Math.max(f.lastExposureAt, last);
}

/**
 * Merges F2 findings computed separately for disjoint groups of sources (each already one per
 * person): one finding per person again, with the same rule as collapse (the better exposure
 * reported, the earliest first and the latest last exposure over all groups). Sorted by person.
 */
export function mergeFindings(lists: Finding[][]): Finding[] {
  const byPerson = new Map<string, Finding>();
  for (const list of lists) {
    for (const f of list) {
      const g = byPerson.get(f.personId);
      if (!g) byPerson.set(f.personId, { ...f, exposure: { ...f.exposure } });
      else absorb(g, f.sourcePersonId, { ...f.exposure }, f.firstExposureAt, f.lastExposureAt);
    }
  }
  return [...byPerson.values()].sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.sourcePersonId < b.sourcePersonId
    ? -1
    : a.sourcePersonId > b.sourcePersonId
      ? 1
      : a.personId < b.personId
        ? -1
        : a.personId > b.personId
          ? 1
          : 0;
}

/** A declared contact (interview) as an overlap of its own kind, not clipped to any window. */
export interface Declaration {
  sourcePersonId: string;
  personId: string;
  kind: 'HOUSEHOLD' | 'DECLARED';
  start: number;
  end: number;
}

export function declarationOverlap(d: Declaration): Overlap {
  return {
    sourcePersonId: d.sourcePersonId,
    personId: d.personId,
    venueId: null,
    kind: d.kind,
    start: d.start,
    end: d.end,
  };
}

/** The F1's window for finding F2: [earliest exposure to the F0, identification time]. */
export function f2Window(f1: Finding, identifiedAt: number): Interval {
  return { start: f1.firstExposureAt, end: Math.max(identifiedAt, f1.firstExposureAt) };
}

/** F2 findings minus the case's F0 and F1 (a person is one degree of one case only). */
export function excludeKnown(f2: Finding[], f0PersonId: string, f1PersonIds: Set<string>): Finding[] {
  return f2.filter((f) => f.personId !== f0PersonId && !f1PersonIds.has(f.personId));
}

/** Merges each venue's overlapping or touching intervals (exposure sites shown to the public). */
export function mergeSites<T extends { venueId: string; start: number; end: number }>(
  sites: T[],
): { venueId: string; start: number; end: number }[] {
  const sorted = [...sites].sort((a, b) =>
    a.venueId < b.venueId ? -1 : a.venueId > b.venueId ? 1 : a.start - b.start,
  );
  const out: { venueId: string; start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && last.venueId === s.venueId && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ venueId: s.venueId, start: s.start, end: s.end });
  }
  return out;
}

/** Cases linked by contact edges form clusters: union-find over (case → case of a contact person). */
export function clusters(caseIds: string[], links: [string, string][]): string[][] {
  const parent = new Map<string, string>(caseIds.map((c) => [c, c]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let y = x;
    while (parent.get(y) !== r) {
      const next = parent.get(y)!;
      parent.set(y, r);
      y = next;
    }
    return r;
  };
  for (const [a, b] of links) {
    if (!parent.has(a) || !parent.has(b)) continue;
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const groups = new Map<string, string[]>();
  for (const c of caseIds) {
    const r = find(c);
    groups.set(r, [...(groups.get(r) ?? []), c]);
  }
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => b.length - a.length || (a[0] < b[0] ? -1 : 1));
}
