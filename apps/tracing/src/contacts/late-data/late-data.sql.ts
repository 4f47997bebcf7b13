// The late-data store's statements (LateDataStore): what a check-in batch matches against traced cases.

/** Intents older than this belong to a tracing that died (its transaction rolled back): ignored, then swept. */
export const INTENT_TTL = '10 minutes';

/** The reasons a request was made, merged (at most a few distinct words). */
export const MERGE_REASON = `(SELECT string_agg(DISTINCT x, ',' ORDER BY x) FROM unnest(string_to_array(r.reason || ',' || EXCLUDED.reason, ',')) AS x)`;

/**
 * The latest instant a stay may begin before and still change a case (see matchStays): 'infinity'
 * while a tracing is in progress, null when nothing is traced at all. Each max is read from an index.
 * $1: the exposure linger (a stay beginning that long after a site ended still alerts its visitor).
 */
export const HORIZON_SQL = `
SELECT CASE WHEN EXISTS (SELECT 1 FROM tracing.trace_intents WHERE since > now() - interval '${INTENT_TTL}') THEN 'infinity'::timestamptz
  ELSE greatest(
    (SELECT max(identified_at) FROM tracing.contacts WHERE degree = 1),
    (SELECT max(ended_at) + $1::interval FROM tracing.exposure_sites),
    (SELECT max(window_end) FROM tracing.traced_cases)) END AS horizon`;

/**
 * One statement per batch (see matchStays). `f1` holds the F1 of stored cases and of tracings in
 * progress, each with their F2 window; `it` the live intents. An intent without detail (its
 * tracing has not yet read the F1) matches every stay after its window opens. A site is matched up
 * to the exposure linger ($6) after it ended: a late visitor in that time gets an exposure alert.
 */
export const MATCH_SQL = `
WITH s AS MATERIALIZED (SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS s(person_id, venue_id, s, e)),
span AS MATERIALIZED (SELECT min(s) AS lo, max(e) AS hi FROM s),
it AS MATERIALIZED (SELECT * FROM tracing.trace_intents WHERE since > now() - interval '${INTENT_TTL}'),
f1 AS MATERIALIZED (
  SELECT c.source_case_id AS case_id, c.person_id, c.first_exposure_at AS f, c.identified_at AS t
  FROM tracing.contacts c, span WHERE c.degree = 1 AND c.identified_at > span.lo AND c.first_exposure_at < span.hi
  UNION ALL
  SELECT i.case_id, x.person_id, x.f, x.t FROM it i CROSS JOIN LATERAL unnest(i.f1_person, i.f1_from, i.f1_to) AS x(person_id, f, t), span
  WHERE x.t > span.lo AND x.f < span.hi
),
sites AS (
  SELECT x.case_id, x.venue_id, x.started_at, x.ended_at + $6::interval AS ended_at FROM tracing.exposure_sites x, span
  WHERE x.ended_at > span.lo - $6::interval AND x.started_at < span.hi
  UNION ALL
  SELECT i.case_id, x.venue_id, x.started_at, x.ended_at + $6::interval FROM it i CROSS JOIN LATERAL unnest(i.site_venue, i.site_start, i.site_end) AS x(venue_id, started_at, ended_at)
),
cases AS (
  SELECT t.case_id, t.person_id, t.window_start, t.window_end FROM tracing.traced_cases t, span WHERE t.window_end > span.lo AND t.window_start < span.hi
  UNION ALL
  SELECT i.case_id, i.person_id, i.window_start, i.window_end FROM it i
),
hits AS (
  SELECT i.case_id, 'TRACING' AS why FROM it i, span WHERE i.f1_person IS NULL AND i.window_start < span.hi
  UNION ALL
  SELECT x.case_id, 'EXPOSURE_SITE' FROM sites x JOIN s ON s.venue_id = x.venue_id AND s.s < x.ended_at AND s.e > x.started_at
  UNION ALL
  SELECT c.case_id, 'CASE_STAY' FROM cases c JOIN s ON s.person_id = c.person_id AND s.s < c.window_end AND s.e > c.window_start
  UNION ALL
  SELECT f1.case_id, 'F1_STAY' FROM f1 JOIN s ON s.person_id = f1.person_id AND s.s < f1.t AND s.e > f1.f
  UNION ALL
  SELECT f1.case_id, 'F1_VENUE' FROM f1
  CROSS JOIN LATERAL (
    SELECT v.venue_id, greatest(v.checked_in_at, f1.f) AS vs, least(v.ends_at, f1.t) AS ve FROM tracing.visits v
    WHERE v.person_id = f1.person_id AND v.checked_in_at >= f1.f - $5::interval AND v.checked_in_at < f1.t AND v.ends_at > f1.f
  ) v
  JOIN s ON s.venue_id = v.venue_id AND s.person_id <> f1.person_id AND s.s < v.ve AND s.e > v.vs
)
INSERT INTO tracing.retrace_requests AS r (case_id, requested_seq, reason)
SELECT case_id, nextval('tracing.retrace_seq'), string_agg(DISTINCT why, ',' ORDER BY why) FROM hits GROUP BY case_id
ON CONFLICT (case_id) DO UPDATE SET requested_seq = EXCLUDED.requested_seq, requested_at = now(), reason = ${MERGE_REASON}
RETURNING case_id`;
