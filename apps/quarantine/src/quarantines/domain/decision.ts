import { Facility, PersonProfile, PlannedTest, QuarantinePolicy, Regimen } from './policy';

/**
 * The quarantine workflow's vocabulary (plain TypeScript): an order, what is known about a person,
 * the commands the decider takes and the decisions it returns (quarantine.ts).
 */

export type Kind = 'HOME' | 'CENTRALIZED' | 'SELF_MONITORING';
export type EndReason = 'COMPLETED' | 'CONVERTED_TO_CASE' | 'SOURCE_CLEARED' | 'CANCELLED';
export type TransferReason = 'HOME_INELIGIBLE' | 'ESCALATED';
export type Result = 'POSITIVE' | 'NEGATIVE' | 'INCONCLUSIVE';

/** An active order: a quarantine (HOME, CENTRALIZED) or an F2 watch (SELF_MONITORING). */
export interface Order {
  id: string;
  personId: string;
  kind: Kind;
  facilityId: string | null;
  needsFacility: boolean;
  areaCode: string | null;
  degree: 1 | 2;
  sourcePersonId: string;
  sourceCaseId: string;
  /** An arrival's order (issue 18): the arrival; announced on QuarantineOrdered, not stored. */
  arrivalId?: string;
  dayZero: string;
  startsAt: Date;
  endsAt: Date;
  testDays: number[];
  orderedAt: Date;
}

/** What the service knows about one person when it decides. */
export interface PersonState {
  personId: string;
  openCase: boolean;
  profile: PersonProfile | null;
  /** Unknown counts as not eligible. */
  homeEligible: boolean;
  active: Order | null;
}

export interface DecisionContext {
  now: Date;
  policy: QuarantinePolicy;
  facilities: Facility[];
  /** Active orders per facility, as known before this decision. */
  occupied: ReadonlyMap<string, number>;
  newId: () => string;
}

export type Command =
  | { type: 'IdentifyContact'; degree: 1 | 2; sourcePersonId: string; sourceCaseId: string; lastExposureAt: Date }
  | { type: 'EscalateWatch' }
  | { type: 'ClearWatch' }
  | { type: 'BecomeCase' }
  | { type: 'RecordResult'; result: Result; day: number | null; dueOn: string | null; isExitTest: boolean }
  | { type: 'ChangeHomeEligibility'; eligible: boolean }
  | { type: 'Cancel' }
  /** An arrival from an area whose level calls for a quarantine (like an F1) or a follow-up (issue 18). */
  | { type: 'Arrive'; arrivalId: string; arrivedAt: Date; action: 'QUARANTINE' | 'FOLLOW_UP'; followUp: Regimen };

export type Decision =
  | { type: 'Ordered'; order: Order; tests: PlannedTest[] }
  | { type: 'Extended'; order: Order; previousEndsAt: Date; tests: PlannedTest[]; cancelTestsFrom: string }
  | { type: 'Transferred'; order: Order; previousKind: Kind; reason: TransferReason; tests: PlannedTest[] }
  | { type: 'Ended'; order: Order; reason: EndReason }
  | { type: 'RetestScheduled'; order: Order; test: PlannedTest }
  | { type: 'ExitTestNegative'; order: Order }
  | { type: 'Ignored'; code: string };

/** A test to schedule: a planned test with its id, person and order (null: outside any quarantine). */
export interface NewTest {
  id: string;
  personId: string;
  quarantineId: string | null;
  dueOn: string;
  day: number | null;
}
