import { Bool, CalendarDate, Decimal, Id, Int, IntList, OneOf, SetOf, Text, Timestamp, Uuid } from '../validation';

// The care pathway (issue 16): isolation of cases (F0) and the daily health follow-up of everyone
// under isolation, quarantine or watch. Key personId, like quarantine.v1, so a person's order,
// checks and end stay in order. No identity data, and no free-text note (it stays in quarantine's
// database): only codes, measurements and ids.

/** Where a case is isolated. */
export const ISOLATION_KINDS = ['HOME', 'TREATMENT_FACILITY'] as const;
export type IsolationKind = (typeof ISOLATION_KINDS)[number];

export const ISOLATION_END_REASONS = ['RELEASED', 'RECOVERED', 'DECEASED', 'CANCELLED'] as const;
export type IsolationEndReason = (typeof ISOLATION_END_REASONS)[number];

/**
 * Why an isolation changed place: a warning sign, a bed found for someone waiting, the home or the
 * person's facts no longer allowing home treatment, staff, or (REASSESSED) facts or home eligibility
 * recorded later now allowing home treatment.
 */
export const ISOLATION_TRANSFER_REASONS = [
  'ESCALATED',
  'BED_ASSIGNED',
  'HOME_INELIGIBLE',
  'STAFF',
  'REASSESSED',
] as const;
export type IsolationTransferReason = (typeof ISOLATION_TRANSFER_REASONS)[number];

/** Whose follow-up it is: a case in isolation, an F1 in quarantine, an F2 (or released F1) under watch. */
export const FOLLOW_UP_SUBJECTS = ['ISOLATION', 'QUARANTINE', 'WATCH'] as const;
export type FollowUpSubject = (typeof FOLLOW_UP_SUBJECTS)[number];

export const FOLLOW_UP_STATUSES = ['DONE', 'UNREACHABLE'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** Staff recorded it, or the person through their signed self-report link. */
export const FOLLOW_UP_SOURCES = ['STAFF', 'SELF_REPORT'] as const;
export type FollowUpSource = (typeof FOLLOW_UP_SOURCES)[number];

export const SYMPTOMS = [
  'FEVER',
  'COUGH',
  'SORE_THROAT',
  'RUNNY_NOSE',
  'LOSS_OF_TASTE_OR_SMELL',
  'FATIGUE',
  'MUSCLE_ACHE',
  'HEADACHE',
  'DIARRHEA',
  'BREATHING_DIFFICULTY',
  'CHEST_PAIN',
  'OTHER',
] as const;
export type Symptom = (typeof SYMPTOMS)[number];

/** Signs that, by policy, escalate care (thresholds are settings of the quarantine service). */
export const WARNING_SIGNS = ['LOW_SPO2', 'PERSISTENT_HIGH_FEVER', 'BREATHING_DIFFICULTY', 'CHEST_PAIN'] as const;
export type WarningSign = (typeof WARNING_SIGNS)[number];

export const ESCALATION_REASONS = ['WARNING_SIGNS', 'SYMPTOMATIC_CONTACT'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/** The setting a person was in when care was escalated. */
export const CARE_SETTINGS = ['HOME_ISOLATION', 'FACILITY_ISOLATION', 'QUARANTINE', 'WATCH'] as const;
export type CareSetting = (typeof CARE_SETTINGS)[number];

/** What the escalation led to: a move to a treatment facility, or a test due today. */
export const ESCALATION_TARGETS = ['TREATMENT_FACILITY', 'TEST_TODAY'] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

// A year bounds any real isolation.
const MAX_DAY = 366;

/** A confirmed case is ordered into isolation, at home or in a treatment facility. */
export class IsolationOrdered {
  @Uuid() isolationId: string;
  @Id() personId: string;
  @Uuid() caseId: string;
  @Text(32) areaCode: string;
  @OneOf(ISOLATION_KINDS) kind: IsolationKind;
  /** The bed's facility; null at home, and while a facility case waits for a bed (needsBed). */
  @Id({ nullable: true }) facilityId: string | null;
  @Bool() needsBed: boolean;
  /** Day 0: the day of the positive sample (the confirmation's day when the sample time is unknown). */
  @CalendarDate() firstDay: string;
  /** Earliest release day by policy (firstDay + minimum days); release also needs a negative test. */
  @CalendarDate() plannedEndOn: string;
  /** Days (counted from firstDay) a release test is scheduled. */
  @IntList(0, MAX_DAY) testDays: number[];
  /** The quarantine this isolation replaced (an F1 who became a case), else null. */
  @Uuid({ nullable: true }) fromQuarantineId: string | null;
  @Timestamp() orderedAt: string;
}

export class IsolationTransferred {
  @Uuid() isolationId: string;
  @Id() personId: string;
  @Uuid() caseId: string;
  @Text(32) areaCode: string;
  @OneOf(ISOLATION_KINDS) previousKind: IsolationKind;
  @Id({ nullable: true }) previousFacilityId: string | null;
  @OneOf(ISOLATION_KINDS) kind: IsolationKind;
  @Id({ nullable: true }) facilityId: string | null;
  @Bool() needsBed: boolean;
  @OneOf(ISOLATION_TRANSFER_REASONS) reason: IsolationTransferReason;
  @Timestamp() transferredAt: string;
}

export class IsolationEnded {
  @Uuid() isolationId: string;
  @Id() personId: string;
  @Uuid() caseId: string;
  @Text(32) areaCode: string;
  @OneOf(ISOLATION_KINDS) kind: IsolationKind;
  @Id({ nullable: true }) facilityId: string | null;
  @OneOf(ISOLATION_END_REASONS) reason: IsolationEndReason;
  /** The negative test that allowed the release (RELEASED), else null. */
  @Uuid({ nullable: true }) releaseTestId: string | null;
  @Timestamp() endedAt: string;
}

/** One follow-up (a daily check) was recorded. The note, if any, stays in the quarantine service. */
export class HealthCheckRecorded {
  @Uuid() followUpId: string;
  @Id() personId: string;
  @Text(32) areaCode: string;
  @OneOf(FOLLOW_UP_SUBJECTS) subject: FollowUpSubject;
  /** The isolationId or quarantineId the follow-up belongs to. */
  @Uuid() orderId: string;
  @CalendarDate() dueOn: string;
  /** 1 for the day's first check, 2 for the second (cases at home are checked twice a day by default). */
  @Int(1, 4) slot: number;
  @OneOf(FOLLOW_UP_STATUSES) status: FollowUpStatus;
  @OneOf(FOLLOW_UP_SOURCES) source: FollowUpSource;
  @Decimal(30, 45, { nullable: true }) temperatureC: number | null;
  @Int(50, 100, { nullable: true }) spo2: number | null;
  @SetOf(SYMPTOMS) symptoms: Symptom[];
  /** The warning signs this check showed by policy (possibly with earlier checks, e.g. fever for 2 days). */
  @SetOf(WARNING_SIGNS) warningSigns: WarningSign[];
  @Timestamp() recordedAt: string;
}

/** A follow-up's day passed without a completed check; lostToFollowUp after N days without one (policy). */
export class FollowUpMissed {
  @Uuid() followUpId: string;
  @Id() personId: string;
  @Text(32) areaCode: string;
  @OneOf(FOLLOW_UP_SUBJECTS) subject: FollowUpSubject;
  @Uuid() orderId: string;
  @CalendarDate() dueOn: string;
  @Int(1, 4) slot: number;
  /** UNREACHABLE when staff tried and could not reach the person, null when nobody recorded anything. */
  @OneOf(FOLLOW_UP_STATUSES, { nullable: true }) lastStatus: FollowUpStatus | null;
  /** The last day with a completed check, null when there was none yet. */
  @CalendarDate({ nullable: true }) lastCompletedOn: string | null;
  @Bool() lostToFollowUp: boolean;
  @Timestamp() missedAt: string;
}

/** Care was escalated by policy: a case at home moves to a facility, a contact with symptoms is tested today. */
export class CareEscalated {
  @Uuid() escalationId: string;
  @Id() personId: string;
  @Text(32) areaCode: string;
  @Uuid() orderId: string;
  /** The follow-up that showed the signs. */
  @Uuid() followUpId: string;
  @OneOf(ESCALATION_REASONS) reason: EscalationReason;
  @SetOf(WARNING_SIGNS) warningSigns: WarningSign[];
  @OneOf(CARE_SETTINGS) from: CareSetting;
  @OneOf(ESCALATION_TARGETS) to: EscalationTarget;
  /** The facility (to TREATMENT_FACILITY; null while no bed is free). */
  @Id({ nullable: true }) facilityId: string | null;
  /** The test scheduled for today (to TEST_TODAY), else null. */
  @Uuid({ nullable: true }) testId: string | null;
  @Timestamp() escalatedAt: string;
}

/**
 * A treatment facility's beds changed: a bed taken or freed (an isolation placed in, moved from or
 * to, or ended in it) or its capacity changed. The figures are those after the change, read in the
 * transaction that made it; at most one per facility per transaction (a pass that frees many beds of
 * one facility sends one). Keyed by facilityId, not a person: it is about a facility, and a
 * facility's changes stay in order. No personal data.
 */
export class FacilityBedsChanged {
  @Id() facilityId: string;
  @Text(32) areaCode: string;
  @Int(0, 1_000_000) capacity: number;
  /** Active isolations placed there (may exceed capacity after capacity was lowered). */
  @Int(0, 1_000_000_000) occupied: number;
  /** max(0, capacity - occupied). */
  @Int(0, 1_000_000) free: number;
  @Timestamp() changedAt: string;
}
