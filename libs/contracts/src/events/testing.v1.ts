import { CalendarDate, Id, Int, OneOf, Timestamp, Uuid } from '../validation';
import { TEST_TYPES, TestType } from './cases.v1';

export const TEST_RESULTS = ['POSITIVE', 'NEGATIVE', 'INCONCLUSIVE'] as const;
export type TestResult = (typeof TEST_RESULTS)[number];

export const TEST_PURPOSES = ['QUARANTINE', 'SCREENING', 'UNSCHEDULED'] as const;
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
