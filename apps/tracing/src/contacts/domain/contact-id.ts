import { createHash } from 'node:crypto';

/** What caused a tracing: carried into the ContactIdentified events' correlation and causation. */
export interface Cause {
  eventId: string;
  correlationId: string;
}

/** A contact id that is the same however often the same contact is found (sha-1 name-based UUID form). */
export function contactIdFor(caseId: string, personId: string): string {
  const h = createHash('sha1').update(`${caseId}\u0000${personId}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
