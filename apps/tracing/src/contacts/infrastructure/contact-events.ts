import { createEvent, EventEnvelope } from '@ct/contracts';
import { Cause } from '../domain/contact-id';
import { Finding } from '../domain/tracing-policy';

const SOURCE = '/tracing';

/**
 * ISO-8601 strings of instants, memoised for one store: a burst formats the same instants many
 * times over (each contact's row and event), and formatting costs more than a lookup.
 */
export function isoMemo(): (ms: number) => string {
  const memo = new Map<number, string>();
  return (ms) => {
    let s = memo.get(ms);
    if (s === undefined) {
      s = new Date(ms).toISOString();
      memo.set(ms, s);
    }
    return s;
  };
}

/** The ContactIdentified of a written contact (`identifiedAt`: as stored, ISO-8601). */
export function contactIdentified(
  caseId: string,
  contactId: string,
  f: Finding,
  identifiedAt: string,
  cause: Cause,
  iso: (ms: number) => string,
): EventEnvelope {
  return createEvent(
    'ContactIdentified',
    {
      contactId,
      personId: f.personId,
      sourcePersonId: f.sourcePersonId,
      sourceCaseId: caseId,
      degree: f.degree,
      exposure: {
        kind: f.exposure.kind,
        venueId: f.exposure.venueId,
        startedAt: iso(f.exposure.start),
        endedAt: iso(f.exposure.end),
      },
      lastExposureAt: iso(f.lastExposureAt),
      identifiedAt,
    },
    { source: SOURCE, correlationId: cause.correlationId, causationId: cause.eventId },
  );
}

/** The ContactWithdrawn of a deleted contact: a retrace no longer finds them (a stay turned out shorter). */
export function contactWithdrawn(
  caseId: string,
  row: { contact_id: string; person_id: string; degree: 1 | 2 },
  withdrawnAt: string,
  cause: Cause,
): EventEnvelope {
  return createEvent(
    'ContactWithdrawn',
    {
      contactId: row.contact_id,
      personId: row.person_id,
      sourceCaseId: caseId,
      previousDegree: row.degree,
      reason: 'NO_LONGER_EXPOSED',
      withdrawnAt,
    },
    { source: SOURCE, correlationId: cause.correlationId, causationId: cause.eventId },
  );
}
