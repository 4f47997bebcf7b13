import { CalendarDate, Id, IdList, Int, NotBefore, OneOf, Timestamp, Uuid } from '../validation';
import { TEST_TYPES, TestType } from './cases.v1';
import { ASCII_ID, certainCalendarDate, certainTimestamp } from './checkins.v1';
import { CERTAIN_UUID } from './contacts.v1';

export const TEST_RESULTS = ['POSITIVE', 'NEGATIVE', 'INCONCLUSIVE'] as const;
export type TestResult = (typeof TEST_RESULTS)[number];

/** ISOLATION (issue 16): a release test of a case in isolation (quarantineId null). */
export const TEST_PURPOSES = ['QUARANTINE', 'SCREENING', 'UNSCHEDULED', 'ISOLATION'] as const;
export type TestPurpose = (typeof TEST_PURPOSES)[number];

export class TestScheduled {
  @Uuid() testId: string;
  @Id() personId: string;
  /** null: a test outside any quarantine (e.g. screening). */
  @Uuid({ nullable: true }) quarantineId: string | null;
  @CalendarDate() dueOn: string;
  /** The quarantine day (counted from its dayZero) the test belongs to; null outside quarantine. */
  @Int(0, 366, { nullable: true }) day: number | null;
  @Timestamp() scheduledAt: string;
  /** Added by issue 18; absent means QUARANTINE when quarantineId is set (producers before it). */
  @OneOf(TEST_PURPOSES, { optional: true }) purpose?: TestPurpose | null;
  /** The screening plan (purpose SCREENING) the test belongs to. */
  @Uuid({ optional: true }) screeningPlanId?: string | null;
}

// A fast path for the quarantine service's bursts (each order schedules its tests, so a
// super-spreader yields several TestScheduled per contact; createEvent measured ~36 µs each through
// class-validator, ~7 µs here): accepts only what is certainly valid under the decorators above
// (stricter: ASCII ids, lowercase RFC 4122 UUIDs, dates from 1970); anything else goes through
// class-validator, which gives the verdict and the problems. testing.v1.spec.ts compares both.

/** The payload when it is certainly valid (only the contract's fields kept), else null. */
export function certainTestScheduled(o: Record<string, unknown>): TestScheduled | null {
  const { testId, personId, quarantineId, dueOn, day, scheduledAt, purpose, screeningPlanId } = o;
  if (purpose != null || screeningPlanId != null) return null; // class-validator checks the additions
  if (typeof testId !== 'string' || !CERTAIN_UUID.test(testId)) return null;
  if (typeof personId !== 'string' || !ASCII_ID.test(personId)) return null;
  if (quarantineId !== null && (typeof quarantineId !== 'string' || !CERTAIN_UUID.test(quarantineId))) return null;
  if (!certainCalendarDate(dueOn)) return null;
  if (day !== null && (typeof day !== 'number' || !Number.isInteger(day) || day < 0 || day > 366)) return null;
  if (Number.isNaN(certainTimestamp(scheduledAt))) return null;
  const p = new TestScheduled();
  p.testId = testId;
  p.personId = personId;
  p.quarantineId = quarantineId;
  p.dueOn = dueOn;
  p.day = day;
  p.scheduledAt = scheduledAt as string;
  return p;
}

export class TestResultRecorded {
  @Uuid() testId: string;
  @Id() personId: string;
  @Uuid({ nullable: true }) quarantineId: string | null;
  @OneOf(TEST_RESULTS) result: TestResult;
  @OneOf(TEST_TYPES) testType: TestType;
  @OneOf(TEST_PURPOSES) purpose: TestPurpose;
  @Timestamp() sampleTakenAt: string;
  @Timestamp() recordedAt: string;
}

/** A venue category (tracing's PUT /venues, a screening plan's venueCategories): e.g. WHOLESALE_MARKET. */
export const VENUE_CATEGORY = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Most venue ids or categories in one screening group. */
export const MAX_SCREENING_VENUES = 1000;

/**
 * Issue 18: quarantine asks tracing for a venue screening group as of one round of a plan: everyone
 * with a stay checked in at one of `venueIds`, or at a venue of one of `venueCategories`, in
 * [since, until). Key planId (a plan's requests stay in order; the answer, ScreeningGroupResolved
 * on contacts.v1, is keyed the same). Carries venues and times only, no person.
 */
export class ScreeningGroupRequested {
  /** One per plan and round; the answer names it. */
  @Uuid() requestId: string;
  @Uuid() planId: string;
  @Int(0, 100_000) round: number;
  @IdList(MAX_SCREENING_VENUES) venueIds: string[];
  @IdList(MAX_SCREENING_VENUES) venueCategories: string[];
  @Timestamp() since: string;
  @Timestamp() @NotBefore('since', { strictlyAfter: true }) until: string;
  @Timestamp() requestedAt: string;
}
