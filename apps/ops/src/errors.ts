import { errorCode } from '@ct/platform';

/**
 * Every error code the ops service answers with, each once: its kind (400 invalid, 404
 * not_found, 409 conflict) and its message. Throw `OpsErrors.<name>(…)`.
 */
export const OpsErrors = {
  invalidDate: errorCode('invalid_date', 'invalid', () => 'week must be a date YYYY-MM-DD'),
  invalidDay: errorCode('invalid_day', 'invalid', () => 'day must be a date YYYY-MM-DD'),
  invalidWeeks: errorCode('invalid_weeks', 'invalid', () => 'weeks must be an integer 1..104'),
  invalidReportWeek: errorCode('invalid_report_week', 'invalid', () => ({
    message: 'week must be a date YYYY-MM-DD or an ISO week YYYY-Www that exists',
    details: { field: 'week' },
  })),
  tooManyReportAreas: errorCode('too_many_report_areas', 'invalid', (max: number) => ({
    message: `area may name at most ${max} areas`,
    details: { field: 'area' },
  })),
  areaRequired: errorCode('area_required', 'invalid', () => 'area is required'),
  areaNotFound: errorCode('area_not_found', 'not_found', (areaCode: string) => ({
    message: `unknown area ${areaCode}`,
    details: { areaCode },
  })),
  invalidLimit: errorCode('invalid_limit', 'invalid', (max: number) => `limit must be an integer 1..${max}`),
  invalidOffset: errorCode('invalid_offset', 'invalid', () => 'offset must be an integer >= 0'),
  invalidCursor: errorCode('invalid_cursor', 'invalid', () => 'before must be a dead letter id'),
  invalidGroup: errorCode('invalid_group', 'invalid', () => 'group must be a group key from GET /ops/dlq/groups'),
  unknownTopic: errorCode(
    'unknown_topic',
    'not_found',
    (name: string, known: readonly string[]) => `unknown topic ${name}; known: ${known.join(', ')}`,
  ),
  dlqGroupNotFound: errorCode('dlq_group_not_found', 'not_found', (key: string) => `no dead-letter group ${key}`),
  dlqEntryNotFound: errorCode('dlq_entry_not_found', 'not_found', (id: string) => `no dead letter ${id}`),
  dlqPayloadPurged: errorCode(
    'dlq_payload_purged',
    'conflict',
    (id: string, purgedAt: string) =>
      `dead letter ${id} can no longer be replayed: its payload was removed on ${purgedAt} (OPS_DLQ_PAYLOAD_RETENTION_DAYS)`,
  ),
};
