import { Bool, DiffersFrom, Id, Int, NotBefore, OneOf, Text, Timestamp, Uuid } from '../validation';

export const TEST_TYPES = ['PCR', 'RAPID_ANTIGEN'] as const;
export type TestType = (typeof TEST_TYPES)[number];

export const CASE_ORIGINS = ['INVESTIGATION', 'TEST_RESULT', 'SCREENING'] as const;
export type CaseOrigin = (typeof CASE_ORIGINS)[number];

export const CASE_OUTCOMES = ['RECOVERED', 'DECEASED'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

/** Age bands the care pathway's home-treatment rule needs (aged 1–50, by default); no birth date travels. */
export const AGE_BANDS = ['UNDER_1', '1_TO_50', 'OVER_50'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const DECLARED_CONTACT_KINDS = ['HOUSEHOLD', 'DECLARED'] as const;
export type DeclaredContactKind = (typeof DECLARED_CONTACT_KINDS)[number];

// The cases service owns persons' identity data; no event on any topic carries names, phone
// numbers or ID-card numbers, only the pseudonymous personId.

/** A person is confirmed infected (an F0). */
export class CaseConfirmed {
  @Uuid() caseId: string;
  @Id() personId: string;
  @Timestamp() confirmedAt: string;
  @Timestamp({ nullable: true }) symptomOnsetAt: string | null;
  @Timestamp({ nullable: true }) sampleTakenAt: string | null;
  @OneOf(TEST_TYPES) testType: TestType;
  @OneOf(CASE_ORIGINS) origin: CaseOrigin;
  @Text(32) areaCode: string;
  /** The positive test that confirmed the case, when origin is TEST_RESULT. */
  @Uuid({ optional: true }) sourceTestId?: string | null;
}

export class CaseClosed {
  @Uuid() caseId: string;
  @Id() personId: string;
  @Timestamp() closedAt: string;
  @OneOf(CASE_OUTCOMES) outcome: CaseOutcome;
}

/** A contact the F0 named in the investigation; tracing turns it into a ContactIdentified. */
export class ContactDeclared {
  @Uuid() declarationId: string;
  @Uuid() caseId: string;
  /** The F0. Also the message key, so the declaration follows its CaseConfirmed in the partition. */
  @Id() sourcePersonId: string;
  @Id() @DiffersFrom('sourcePersonId') personId: string;
  @OneOf(DECLARED_CONTACT_KINDS) kind: DeclaredContactKind;
  @Timestamp() startedAt: string;
  @Timestamp() @NotBefore('startedAt') endedAt: string;
  @Timestamp() declaredAt: string;
}

/** The non-identifying facts other services need about a person (quarantine rules depend on them). */
export class PersonProfileChanged {
  @Id() personId: string;
  @Text(32) areaCode: string;
  @Int(0, 10) vaccineDoses: number;
  @Timestamp({ nullable: true }) lastDoseAt: string | null;
  @Timestamp({ nullable: true }) recoveredAt: string | null;
  @Timestamp() changedAt: string;
  /** From the date of birth when the profile was published; absent or null when unknown (issue 16). */
  @OneOf(AGE_BANDS, { optional: true }) ageBand?: AgeBand | null;
  /** Has one of the listed underlying diseases; absent or null when unknown. */
  @Bool({ optional: true }) underlyingCondition?: boolean | null;
  /** Pregnant; absent or null when unknown. */
  @Bool({ optional: true }) pregnant?: boolean | null;
}

/**
 * A person arrived from another area (issue 18: checkpoints, people returning from orange and red
 * zones). Key personId, so it follows the person's PersonProfileChanged. No identity data.
 */
export class ArrivalRegistered {
  @Uuid() arrivalId: string;
  @Id() personId: string;
  /** Where they come from (any area code; its epidemic level picks the rule). */
  @Text(32) originAreaCode: string;
  @Text(32) destinationAreaCode: string;
  @Timestamp() arrivedAt: string;
  @Timestamp() registeredAt: string;
  /** The checkpoint or office that registered the arrival (a place, never a person). */
  @Text(128, { optional: true }) checkpoint?: string | null;
}
