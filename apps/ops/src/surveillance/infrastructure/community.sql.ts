/**
 * SQL: whether a case (table ops.case_counts, alias c) is a community case. It is not when its person
 * was in quarantine at confirmation; decided when read, so a QuarantineOrdered consumed after the
 * CaseConfirmed (another topic) still counts. Rows from before person ids were kept use the flag
 * stored on arrival.
 */
export const COMMUNITY = `CASE WHEN c.person_id IS NULL THEN c.community ELSE NOT EXISTS (
  SELECT 1 FROM ops.quarantined_persons q WHERE q.person_id = c.person_id AND q.started_at <= c.confirmed_at
    AND (q.ended_at IS NULL OR q.ended_at >= c.confirmed_at)) END`;
