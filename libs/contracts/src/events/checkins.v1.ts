import { Id, MAX_UTC_OFFSET_MINUTES, NotBefore, Text, Timestamp } from '../validation';

/** A stay at a venue, from the check-in app or a venue's own system. */
export class CheckInRecorded {
  /** The feed's id, not ours: redelivered feed records carry the same id. */
  @Id() checkInId: string;
  @Id() personId: string;
  @Id() venueId: string;
  @Timestamp() checkedInAt: string;
  /** null: the person never checked out; tracing applies the default stay length. */
  @Timestamp({ nullable: true }) @NotBefore('checkedInAt', { strictlyAfter: true }) checkedOutAt: string | null;
  /** Which feed recorded it. */
  @Text(128) source: string;
}

// A fast path for the firehose: class-validator costs ~25 µs per check-in, more than the rest of
// the ingest path together. This check accepts only what is certainly valid under the decorators
// above (it is stricter: printable-ASCII ids, exact RFC 3339 shape with calendar-checked fields);
// whatever it does not accept goes through class-validator, which gives the verdict and the
// problems. checkins.v1.spec.ts compares both on valid and broken payloads.
export const ASCII_ID = /^[\x20-\x7E]{1,128}$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real day of the Gregorian calendar from 1970 on (earlier years are left to class-validator). */
function certainDay(year: number, month: number, day: number): boolean {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return (
    year >= 1970 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])
  );
}

/** Whether v is certainly a valid CalendarDate (YYYY-MM-DD naming a real day). */
export function certainCalendarDate(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = CALENDAR_DATE.exec(v);
  return m !== null && certainDay(+m[1], +m[2], +m[3]);
}

/** The instant of a certainly valid timestamp, else NaN. */
// Timestamps accepted lately: a burst of events repeats the same instants (identification time,
// event time, exposures at one venue), and checking a string costs more than looking it up.
const accepted = new Map<string, number>();
const ACCEPTED_MAX = 8192;

export function certainTimestamp(v: unknown): number {
  if (typeof v !== 'string') return NaN;
  const known = accepted.get(v);
  if (known !== undefined) return known;
  const m = RFC3339.exec(v);
  if (!m) return NaN;
  if (!certainDay(+m[1], +m[2], +m[3])) return NaN;
  if (+m[4] > 23 || +m[5] > 59 || +m[6] > 59) return NaN;
  // UTC offsets within ±14:00, as isTimestamp.
  if (m[7] !== undefined && (+m[8] > 59 || +m[7] * 60 + +m[8] > MAX_UTC_OFFSET_MINUTES)) return NaN;
  const ms = Date.parse(v);
  if (!Number.isNaN(ms)) {
    if (accepted.size >= ACCEPTED_MAX) accepted.clear();
    accepted.set(v, ms);
  }
  return ms;
}

/** The payload when it is certainly valid (only the contract's fields kept), else null. */
export function certainCheckInRecorded(o: Record<string, unknown>): CheckInRecorded | null {
  const { checkInId, personId, venueId, checkedInAt, checkedOutAt, source } = o;
  if (typeof checkInId !== 'string' || !ASCII_ID.test(checkInId)) return null;
  if (typeof personId !== 'string' || !ASCII_ID.test(personId)) return null;
  if (typeof venueId !== 'string' || !ASCII_ID.test(venueId)) return null;
  if (typeof source !== 'string' || !ASCII_ID.test(source)) return null;
  const inAt = certainTimestamp(checkedInAt);
  if (Number.isNaN(inAt)) return null;
  if (checkedOutAt !== null) {
    const outAt = certainTimestamp(checkedOutAt);
    if (Number.isNaN(outAt) || !(outAt > inAt)) return null;
  }
  const p = new CheckInRecorded();
  p.checkInId = checkInId;
  p.personId = personId;
  p.venueId = venueId;
  p.checkedInAt = checkedInAt as string;
  p.checkedOutAt = checkedOutAt as string | null;
  p.source = source;
  return p;
}
