import { Bool, CalendarDate, Id, IntList, NotBefore, OneOf, Timestamp, Uuid } from '../validation';
import { CONTACT_DEGREES, ContactDegree } from './contacts.v1';

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
