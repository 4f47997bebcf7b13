import { Bool, CalendarDate, Id, IntList, NotBefore, OneOf, Text, Timestamp, Uuid } from '../validation';
import { EPIDEMIC_LEVELS, EpidemicLevel, LEVEL_SOURCES, LevelSource } from './surveillance.v1';
import { ASCII_ID, certainCalendarDate, certainTimestamp } from './checkins.v1';
import { CERTAIN_UUID, CONTACT_DEGREES, ContactDegree } from './contacts.v1';

export const QUARANTINE_KINDS = ['HOME', 'CENTRALIZED', 'SELF_MONITORING'] as const;
export type QuarantineKind = (typeof QUARANTINE_KINDS)[number];

export const QUARANTINE_END_REASONS = ['COMPLETED', 'CONVERTED_TO_CASE', 'SOURCE_CLEARED', 'CANCELLED'] as const;
export type QuarantineEndReason = (typeof QUARANTINE_END_REASONS)[number];

// Test days are counted from dayZero; a year bounds any real schedule.
const MAX_DAY = 366;

export class QuarantineOrdered {
  @Uuid() quarantineId: string;
  @Id() personId: string;
  @OneOf(QUARANTINE_KINDS) kind: QuarantineKind;
  /** null until a facility is assigned (see needsFacility) and for home quarantine. */
  @Id({ nullable: true }) facilityId: string | null;
  @CalendarDate() dayZero: string;
  @Timestamp() startsAt: string;
  @Timestamp() @NotBefore('startsAt', { strictlyAfter: true }) endsAt: string;
  @IntList(0, MAX_DAY) testDays: number[];
  @Uuid() sourceCaseId: string;
  @Id() sourcePersonId: string;
  @OneOf(CONTACT_DEGREES) degree: ContactDegree;
  @Timestamp() orderedAt: string;
  @Bool() needsFacility: boolean;
  /**
   * Added by issue 18: the order of an arrival from an epidemic area (ArrivalDecided), whose
   * sourceCaseId is then that arrival id too (sourceCaseId is required and keeps its shape).
   * Absent: a contact's order.
   */
  @Uuid({ optional: true }) arrivalId?: string | null;
}

// A fast path for the quarantine service's bursts (a super-spreader's contacts yield thousands of
// orders; createEvent measured ~70 µs per QuarantineOrdered through class-validator, ~10 µs here):
// accepts only what is certainly valid under the decorators above (stricter: ASCII ids, lowercase
// RFC 4122 UUIDs, dates from 1970, testDays a dense array); anything else goes through
// class-validator, which gives the verdict and the problems. quarantine.v1.spec.ts compares both.

/** The payload when it is certainly valid (only the contract's fields kept), else null. */
export function certainQuarantineOrdered(o: Record<string, unknown>): QuarantineOrdered | null {
  const {
    quarantineId,
    personId,
    kind,
    facilityId,
    dayZero,
    startsAt,
    endsAt,
    testDays,
    sourceCaseId,
    sourcePersonId,
    degree,
    orderedAt,
    needsFacility,
  } = o;
  if (o.arrivalId != null) return null; // class-validator checks the addition
  if (typeof quarantineId !== 'string' || !CERTAIN_UUID.test(quarantineId)) return null;
  if (typeof sourceCaseId !== 'string' || !CERTAIN_UUID.test(sourceCaseId)) return null;
  if (typeof personId !== 'string' || !ASCII_ID.test(personId)) return null;
  if (typeof sourcePersonId !== 'string' || !ASCII_ID.test(sourcePersonId)) return null;
  if (facilityId !== null && (typeof facilityId !== 'string' || !ASCII_ID.test(facilityId))) return null;
  if (kind !== 'HOME' && kind !== 'CENTRALIZED' && kind !== 'SELF_MONITORING') return null;
  if (degree !== 1 && degree !== 2) return null;
  if (typeof needsFacility !== 'boolean') return null;
  if (!certainCalendarDate(dayZero)) return null;
  if (Number.isNaN(certainTimestamp(orderedAt))) return null;
  const s = certainTimestamp(startsAt);
  const e = certainTimestamp(endsAt);
  if (Number.isNaN(s) || Number.isNaN(e) || !(e > s)) return null;
  // IntList allows any order, duplicates and an empty list; a copy, as class-transformer makes one.
  if (!Array.isArray(testDays)) return null;
  const days: number[] = new Array(testDays.length);
  for (let i = 0; i < testDays.length; i++) {
    const d: unknown = testDays[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_DAY) return null;
    days[i] = d;
  }
  const p = new QuarantineOrdered();
  p.quarantineId = quarantineId;
  p.personId = personId;
  p.kind = kind;
  p.facilityId = facilityId;
  p.dayZero = dayZero;
  p.startsAt = startsAt as string;
  p.endsAt = endsAt as string;
  p.testDays = days;
  p.sourceCaseId = sourceCaseId;
  p.sourcePersonId = sourcePersonId;
  p.degree = degree;
  p.orderedAt = orderedAt as string;
  p.needsFacility = needsFacility;
  return p;
}

export class QuarantineExtended {
  @Uuid() quarantineId: string;
  @Id() personId: string;
  @Timestamp() previousEndsAt: string;
  @Timestamp() @NotBefore('previousEndsAt', { strictlyAfter: true }) endsAt: string;
  @CalendarDate() dayZero: string;
  @IntList(0, MAX_DAY) testDays: number[];
  @Timestamp() extendedAt: string;
}

export const QUARANTINE_TRANSFER_REASONS = ['HOME_INELIGIBLE', 'ESCALATED'] as const;
export type QuarantineTransferReason = (typeof QUARANTINE_TRANSFER_REASONS)[number];

/**
 * An active order changed kind: home quarantine moved to a facility when the home stopped
 * qualifying (HOME_INELIGIBLE), or an F2 watch became a quarantine because their F1 became a case
 * or they were exposed directly (ESCALATED; period and test days are recomputed).
 */
export class QuarantineTransferred {
  @Uuid() quarantineId: string;
  @Id() personId: string;
  @OneOf(QUARANTINE_KINDS) previousKind: QuarantineKind;
  @OneOf(QUARANTINE_KINDS) kind: QuarantineKind;
  @Id({ nullable: true }) facilityId: string | null;
  @Bool() needsFacility: boolean;
  @OneOf(QUARANTINE_TRANSFER_REASONS) reason: QuarantineTransferReason;
  @CalendarDate() dayZero: string;
  @Timestamp() endsAt: string;
  @IntList(0, MAX_DAY) testDays: number[];
  @Timestamp() transferredAt: string;
}

export class QuarantineEnded {
  @Uuid() quarantineId: string;
  @Id() personId: string;
  @Timestamp() endedAt: string;
  @OneOf(QUARANTINE_END_REASONS) reason: QuarantineEndReason;
}

export const ARRIVAL_ACTIONS = ['QUARANTINE', 'FOLLOW_UP', 'NONE'] as const;
export type ArrivalAction = (typeof ARRIVAL_ACTIONS)[number];

/**
 * What the quarantine service decided for an arrival (issue 18), by the origin's epidemic level in
 * force: QUARANTINE (like an F1; the QuarantineOrdered carries sourceCaseId = arrivalId and
 * sourcePersonId = personId), FOLLOW_UP (self-monitoring with tests) or NONE.
 */
export class ArrivalDecided {
  @Uuid() arrivalId: string;
  @Id() personId: string;
  @Text(32) originAreaCode: string;
  @Text(32) destinationAreaCode: string;
  @Timestamp() arrivedAt: string;
  /** The origin's level in force when decided (its own or the nearest area above it); null: none known. */
  @OneOf(EPIDEMIC_LEVELS, { nullable: true }) originLevel: EpidemicLevel | null;
  @OneOf(LEVEL_SOURCES, { nullable: true }) levelSource: LevelSource | null;
  @OneOf(ARRIVAL_ACTIONS) action: ArrivalAction;
  /** The order made (QUARANTINE, FOLLOW_UP); null when none was (NONE, or the person is a case). */
  @Uuid({ nullable: true }) quarantineId: string | null;
  /** The rule applied, in words (as in the order's history). */
  @Text(500) rule: string;
  @Timestamp() decidedAt: string;
}
