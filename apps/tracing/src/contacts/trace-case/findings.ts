import {
  CaseFacts,
  collapse,
  Declaration,
  declarationOverlap,
  f2Window,
  Finding,
  Interval,
} from '../domain/tracing-policy';
import { EngineLimits, f1Overlaps, f2Findings, QueryFn } from '../infrastructure/co-location.queries';

/**
 * A case's F1: co-location with its person's stays in the infectious window `w`, plus the
 * declarations naming its person as the source (`declared`: the case's declarations), one per person.
 */
export async function f1Of(
  q: QueryFn,
  c: CaseFacts,
  w: Interval,
  declared: Declaration[],
  limits: EngineLimits,
): Promise<Finding[]> {
  return collapse(
    [
      ...(await f1Overlaps(q, c.personId, w, limits)),
      ...declared.filter((d) => d.sourcePersonId === c.personId).map(declarationOverlap),
    ],
    1,
  );
}

/**
 * F2 through `sources` (some or all of the case's F1): their contacts inside their F2 windows
 * (ending at `identifiedAt`), minus the F0 and every F1 (`f1Ids`).
 */
export function f2Of(
  q: QueryFn,
  c: CaseFacts,
  sources: Finding[],
  f1Ids: string[],
  identifiedAt: number,
  limits: EngineLimits,
): Promise<Finding[]> {
  return f2Findings(
    q,
    sources.map((f) => ({ personId: f.personId, from: f2Window(f, identifiedAt).start })),
    identifiedAt,
    [c.personId, ...f1Ids],
    limits,
  );
}
