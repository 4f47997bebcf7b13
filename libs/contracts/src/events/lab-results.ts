import { Id, OneOf, Timestamp, Uuid } from '../validation';
import { TEST_TYPES, TestType } from './cases.v1';
import { TEST_RESULTS, TestResult } from './testing.v1';

/** What a lab result matched in bulk (POST /lab-results) was taken for: a screening, or any other test. */
export const LAB_RESULT_PURPOSES = ['SCREENING', 'UNSCHEDULED'] as const;
export type LabResultPurpose = (typeof LAB_RESULT_PURPOSES)[number];

/**
 * On cases.v1 (key personId): a lab's result (CSV or FHIR upload) matched to a person by the cases
 * service, which alone holds identity data. No identity data and no lab id travel: quarantine records
 * it exactly like a result posted to POST /test-results, with `resultId` as the test's id (so a
 * second delivery records nothing).
 */
export class LabResultMatched {
  /** The cases service's id of the lab result; quarantine's test id for it. */
  @Uuid() resultId: string;
  @Id() personId: string;
  @OneOf(TEST_RESULTS) result: TestResult;
  @OneOf(TEST_TYPES) testType: TestType;
  @OneOf(LAB_RESULT_PURPOSES) purpose: LabResultPurpose;
  @Timestamp() sampleTakenAt: string;
  @Timestamp() matchedAt: string;
}
