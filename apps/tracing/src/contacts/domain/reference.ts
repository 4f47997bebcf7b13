/**
 * The brute-force reference of the tracing rules: every stay against every stay, no indexes, no
 * partitions, no lookback bound. Slow on purpose and obviously right; the SQL engine is tested
 * against it on random data.
 */
import {
  CaseFacts,
  clip,
  collapse,
  Declaration,
  declarationOverlap,
  excludeKnown,
  f2Window,
  Finding,
  infectiousWindow,
  intersect,
  Interval,
  Overlap,
  Stay,
  TracingPolicy,
} from './tracing-policy';

/** Everyone co-located with `personId` during `window`, as overlaps clipped to it. */
export function coLocations(stays: Stay[], personId: string, window: Interval, policy: TracingPolicy): Overlap[] {
  const out: Overlap[] = [];
  for (const mine of stays) {
    if (mine.personId !== personId) continue;
    const m = clip(mine, window);
    if (!m) continue;
    for (const other of stays) {
      if (other.personId === personId || other.venueId !== m.venueId) continue;
      const i = intersect(m, other, policy.minOverlapMs);
      if (i)
        out.push({ sourcePersonId: personId, personId: other.personId, venueId: m.venueId, kind: 'CO_LOCATION', ...i });
    }
  }
  return out;
}

export interface TraceResult {
  f1: Finding[];
  f2: Finding[];
}

export function referenceTrace(
  stays: Stay[],
  c: CaseFacts,
  declarations: Declaration[],
  identifiedAt: number,
  policy: TracingPolicy,
): TraceResult {
  const w = infectiousWindow(c, policy);
  const f1 = collapse(
    [
      ...coLocations(stays, c.personId, w, policy),
      ...declarations.filter((d) => d.sourcePersonId === c.personId).map(declarationOverlap),
    ],
    1,
  );
  const f1Ids = new Set(f1.map((f) => f.personId));
  const f2Overlaps: Overlap[] = [];
  for (const f of f1) f2Overlaps.push(...coLocations(stays, f.personId, f2Window(f, identifiedAt), policy));
  const f2 = excludeKnown(collapse(f2Overlaps, 2), c.personId, f1Ids);
  return { f1, f2 };
}
