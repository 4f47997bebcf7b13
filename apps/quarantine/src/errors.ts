import { errorCode } from '@ct/platform';

/**
 * Every error code the quarantine service answers with, each once: its kind (404 not_found, 409
 * conflict) and its message. Throw `QuarantineErrors.<name>(…)`.
 */
export const QuarantineErrors = {
  personNotFound: errorCode(
    'PERSON.NOT_FOUND',
    'not_found',
    (personId: string) => `person ${personId} is not known here`,
  ),
  testNotFound: errorCode('TEST.NOT_FOUND', 'not_found', (testId: string) => `test ${testId} not found`),
  testNotScheduled: errorCode('TEST.NOT_SCHEDULED', 'conflict', (testId: string, status: string) => ({
    message: `test ${testId} is ${status}`,
    details: { status },
  })),
  quarantineNotFound: errorCode('QUARANTINE.NOT_FOUND', 'not_found', (id: string) => `quarantine ${id} not found`),
  screeningPlanNotFound: errorCode(
    'SCREENING_PLAN.NOT_FOUND',
    'not_found',
    (id: string) => `screening plan ${id} not found`,
  ),
  /** A 400 naming every bad field (`details: [{ field, problems }]`), as class-validator's. */
  screeningPlanInvalid: errorCode(
    'SCREENING_PLAN.INVALID',
    'invalid',
    (details: { field: string; problems: string[] }[]) => ({
      message: 'request validation failed',
      details: { details },
    }),
  ),
  areaNotFound: errorCode('AREA.NOT_FOUND', 'not_found', (areaCode: string) => ({
    message: `unknown area ${areaCode}`,
    details: { areaCode },
  })),
  areaOutOfScope: errorCode('AREA.OUT_OF_SCOPE', 'forbidden', (field: string) => {
    const problem = `${field} is not one of the areas you serve (or below them)`;
    return { message: problem, details: { details: [{ field, problems: [problem] }] } };
  }),
  quarantineNotActive: errorCode(
    'QUARANTINE.NOT_ACTIVE',
    'conflict',
    (id: string) => `quarantine ${id} has already ended`,
  ),
  followUpNotFound: errorCode('FOLLOW_UP.NOT_FOUND', 'not_found', (id: string) => `follow-up ${id} not found`),
  followUpClosed: errorCode('FOLLOW_UP.CLOSED', 'conflict', (id: string, status: string) => ({
    message: `follow-up ${id} is ${status}`,
    details: { status },
  })),
  followUpDayFull: errorCode('FOLLOW_UP.DAY_FULL', 'conflict', () => 'every follow-up of today is already recorded'),
  selfReportLinkInvalid: errorCode(
    'SELF_REPORT.LINK_INVALID',
    'not_found',
    () => 'this self-report link is not valid, or has expired',
  ),
  noActiveOrder: errorCode(
    'CARE.NO_ACTIVE_ORDER',
    'not_found',
    (personId: string) => `person ${personId} is under no isolation, quarantine or watch`,
  ),
  exportQueryInvalid: errorCode(
    'EXPORT.QUERY_INVALID',
    'invalid',
    (message: string, details: { field: string; problems: string[] }[]) => ({ message, details: { details } }),
  ),
};
