import { QueryRunner } from 'typeorm';

/**
 * The derived-data retention job's SQL (tracing schema). Each statement deletes at most `limit`
 * rows and returns how many it removed, so the job works in short transactions.
 */

/** The oldest day partition of the visit store (its name), null when there is none. */
export async function oldestVisitPartition(q: QueryRunner): Promise<string | null> {
  const [row] = await q.query(
    `SELECT min(c.relname) AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE n.nspname = 'tracing' AND p.relname = 'visits' AND c.relname ~ '^visits_[0-9]{8}$'`,
  );
  return (row?.name as string | null) ?? null;
}

/**
 * Contacts of cases that are done with: the case's infectious window closed before the horizon,
 * every contact's last exposure is before it, the case was traced to the end (F2 stage finished)
 * and nothing is pending for it (no retrace asked for, no tracing in progress). All of a case's
 * contacts go together, so the graph never holds half a case. Cases are locked (SKIP LOCKED) so a
 * tracing or retrace of the same case waits for this transaction or is not touched by it.
 */
export async function purgeExpiredCaseContacts(
  q: QueryRunner,
  horizon: Date,
  limit: number,
): Promise<{ cases: number; contacts: number }> {
  const [row] = await q.query(
    `WITH due AS (
       SELECT t.case_id FROM tracing.traced_cases t
       WHERE t.window_end < $1
         AND t.traced_at IS NOT NULL AND t.f2_expanded_at IS NOT NULL
         AND EXISTS (SELECT 1 FROM tracing.contacts c WHERE c.source_case_id = t.case_id)
         AND NOT EXISTS (SELECT 1 FROM tracing.contacts c WHERE c.source_case_id = t.case_id AND c.last_exposure_at >= $1)
         AND NOT EXISTS (SELECT 1 FROM tracing.retrace_requests r WHERE r.case_id = t.case_id)
         AND NOT EXISTS (SELECT 1 FROM tracing.trace_intents i WHERE i.case_id = t.case_id)
       ORDER BY t.window_end
       LIMIT $2
       FOR UPDATE OF t SKIP LOCKED
     ), gone AS (
       DELETE FROM tracing.contacts c USING due WHERE c.source_case_id = due.case_id RETURNING 1
     )
     SELECT (SELECT count(*) FROM due)::int AS cases, (SELECT count(*) FROM gone)::int AS contacts`,
    [horizon, limit],
  );
  return { cases: row.cases, contacts: row.contacts };
}

/**
 * Exposure sites whose stay ended before the horizon: no stay still admissible can overlap them,
 * so late data can no longer be matched against them. The exposure alerts of those times go with
 * them (an alert ends no later than its site; at most `limit` a run, the rest at the next).
 */
export async function purgeExpiredExposureSites(q: QueryRunner, horizon: Date, limit: number): Promise<number> {
  const [row] = await q.query(
    `WITH gone AS (
       DELETE FROM tracing.exposure_sites WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM tracing.exposure_sites WHERE ended_at < $1 LIMIT $2))
       RETURNING 1
     ), alerts AS (
       DELETE FROM tracing.exposure_alerts WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM tracing.exposure_alerts WHERE ended_at < $1 LIMIT $2))
     ) SELECT count(*)::int AS n FROM gone`,
    [horizon, limit],
  );
  return row.n;
}

/**
 * Late-data bookkeeping older than the horizon: intents of tracings long dead (the retrace job
 * already ignores them after minutes) and retrace requests nobody holds a lease on; both carry
 * venues, times or people taken from check-ins.
 */
export async function purgeStaleLateData(
  q: QueryRunner,
  horizon: Date,
): Promise<{ intents: number; requests: number }> {
  const [row] = await q.query(
    `WITH intents AS (
       DELETE FROM tracing.trace_intents WHERE since < $1 RETURNING 1
     ), requests AS (
       DELETE FROM tracing.retrace_requests
       WHERE requested_at < $1 AND (leased_until IS NULL OR leased_until < now())
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM intents)::int AS intents, (SELECT count(*) FROM requests)::int AS requests`,
    [horizon],
  );
  return { intents: row.intents, requests: row.requests };
}

export async function recordRun(
  q: QueryRunner,
  run: {
    startedAt: Date;
    horizon: Date;
    cases: number;
    contacts: number;
    sites: number;
    intents: number;
    requests: number;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO tracing.derived_retention_runs
       (started_at, finished_at, horizon, cases, contacts, exposure_sites, trace_intents, retrace_requests)
     VALUES ($1, now(), $2, $3, $4, $5, $6, $7)`,
    [run.startedAt, run.horizon, run.cases, run.contacts, run.sites, run.intents, run.requests],
  );
}
