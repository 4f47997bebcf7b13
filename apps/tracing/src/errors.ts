import { errorCode } from '@ct/platform';

/** A 400 naming one bad field, the problem being the message. */
const field = (name: string, problem: string) => ({
  message: problem,
  details: { details: [{ field: name, problems: [problem] }] },
});

/**
 * Every error code the tracing service answers with, each once: its kind (400 invalid, 404
 * not_found) and its message. Throw `TracingErrors.<name>(…)`.
 */
export const TracingErrors = {
  caseNotTraced: errorCode('CASE.NOT_TRACED', 'not_found', (caseId: string) => ({
    message: `case ${caseId} has not been traced`,
    details: { caseId },
  })),
  graphInvalidCursor: errorCode('GRAPH.INVALID_CURSOR', 'invalid', () =>
    field('after', 'after must be the next cursor of a previous answer'),
  ),
  exposureSitesInvalidPeriod: errorCode('EXPOSURE_SITES.INVALID_PERIOD', 'invalid', () =>
    field('to', 'to must be after from'),
  ),
  exposureSitesPeriodTooLong: errorCode('EXPOSURE_SITES.PERIOD_TOO_LONG', 'invalid', (maxDays: number) =>
    field('from', `from..to must span at most ${maxDays} days`),
  ),
};
