import { returned, TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { TRACING_POLICY } from '../contacts.tokens';
import { EngineLimits } from '../infrastructure/co-location.queries';

/** A stay as a check-in batch stored it: [checked in, check-out or default end). */
export interface StayInterval {
  personId: string;
  venueId: string;
  start: number;
  end: number;
}

/** What a tracing in progress has found so far (see `detailIntent`). */
export interface IntentDetail {
  /** The F0's stays inside the infectious window (the case's exposure sites). */
  sites: { venueId: string; start: number; end: number }[];
  /** The case's F1 and their F2 windows [from, to). */
  f1: { personId: string; from: number; to: number }[];
}

/** A leased request to trace a case again. */
export interface RetraceLease {
  caseId: string;
  seq: string;
  reason: string;
}

/** Intents older than this belong to a tracing that died (its transaction rolled back): ignored, then swept. */
const INTENT_TTL = '10 minutes';

/**
 * Why the ingest path and the tracing path cannot miss each other's uncommitted work (see
 * ARCHITECTURE.md, "Late data"). Every tracing of a case (first tracing, retrace, a declaration
 * added to a traced case) commits an intent before it reads the visit store and deletes it in the
 * transaction that stores its result; a check-in batch matches its stays only after its own commit.
 * So for any batch and any tracing, either the tracing read the batch's stays, or the batch's
 * matching sees the tracing's intent or its committed result, and asks for a retrace.
 */
@Injectable()
export class LateDataStore {
  constructor(
    private readonly tx: TransactionHost,
    @Inject(TRACING_POLICY) private readonly policy: EngineLimits,
  ) {}

  /**
   * Commits an intent at once, on a connection of its own (outside any current transaction):
   * until `detailIntent`, any batch with a stay after `windowStart` asks for a retrace of the case.
   */
  async beginIntent(
    caseId: string,
    personId: string,
    window: { start: number; end: number },
    detail?: IntentDetail,
  ): Promise<string> {
    const d = detail ? detailParams(detail) : [null, null, null, null, null, null];
    const [row] = await this.tx.dataSource.query(
      `INSERT INTO tracing.trace_intents (case_id, person_id, window_start, window_end, site_venue, site_start, site_end, f1_person, f1_from, f1_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING intent_id`,
      [caseId, personId, new Date(window.start), new Date(window.end), ...d],
    );
    return String(row.intent_id);
  }

  /** Narrows a committed intent to what the tracing found (committed at once): batches then match precisely. */
  async detailIntent(intentId: string, detail: IntentDetail): Promise<void> {
    await this.tx.dataSource.query(
      `UPDATE tracing.trace_intents SET site_venue = $2, site_start = $3, site_end = $4, f1_person = $5, f1_from = $6, f1_to = $7 WHERE intent_id = $1`,
      [intentId, ...detailParams(detail)],
    );
  }

  /** Deletes the intent in the current transaction: it goes when the tracing's result becomes visible. */
  async endIntent(intentId: string): Promise<void> {
    await this.tx.manager.query('DELETE FROM tracing.trace_intents WHERE intent_id = $1', [intentId]);
  }

  /** After a failed tracing (its transaction rolled back): the intent goes too. */
  async dropIntent(intentId: string): Promise<void> {
    await this.tx.dataSource.query('DELETE FROM tracing.trace_intents WHERE intent_id = $1', [intentId]);
  }

  /**
   * Asks for a retrace of every traced case (or case being traced) that these stays, committed
   * before this call, can change: a stay at one of its exposure sites (a new F1, a longer
   * exposure), a stay of its F0 inside the infectious window (a new site), a stay of one of its F1
   * inside their F2 window, or a stay at a venue and time where one of its F1 was inside their F2
   * window (a new F2). Every part is bounded by the stays' time span, so a batch of current
   * check-ins only looks at cases and F1 whose windows reach "now". Returns the cases asked for.
   */
  async matchStays(stays: StayInterval[]): Promise<string[]> {
    if (stays.length === 0) return [];
    // Every rule needs the stay to begin before an instant some traced case or F1 reaches (the end of
    // an exposure site, of an infectious window, of an F1's F2 window), or a tracing in progress:
    // stays beginning after the latest such instant cannot match, and a batch of current check-ins
    // usually has none before it. One index lookup per table instead of the whole statement.
    const [{ horizon }] = await this.tx.dataSource.query(HORIZON_SQL);
    if (horizon === null) return [];
    const until = new Date(horizon).getTime();
    const early = Number.isNaN(until) ? stays : stays.filter((s) => s.start < until);
    if (early.length === 0) return [];
    const rows: { case_id: string }[] = await this.tx.dataSource.query(MATCH_SQL, [
      early.map((s) => s.personId),
      early.map((s) => s.venueId),
      early.map((s) => new Date(s.start)),
      early.map((s) => new Date(s.end)),
      `${this.policy.maxStayMs} milliseconds`,
    ]);
    return rows.map((r) => r.case_id);
  }

  /** Asks for a retrace of a case in the current transaction (a declaration that may have raced its tracing). */
  async request(caseId: string, reason: string): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO tracing.retrace_requests AS r (case_id, requested_seq, reason) VALUES ($1, nextval('tracing.retrace_seq'), $2)
       ON CONFLICT (case_id) DO UPDATE SET requested_seq = EXCLUDED.requested_seq, requested_at = now(), reason = ${MERGE_REASON}`,
      [caseId, reason],
    );
  }

  /**
   * Leases the oldest request whose case is traced and whose F2 stage has finished (a retrace redoes
   * the whole case; a case still being traced, or never confirmed, waits), for `leaseMs`.
   */
  async lease(leaseMs: number): Promise<RetraceLease | null> {
    const [row] = returned<{ case_id: string; requested_seq: string; reason: string }>(
      await this.tx.dataSource.query(
        `UPDATE tracing.retrace_requests r SET leased_until = now() + $1::interval
       WHERE r.case_id = (
         SELECT q.case_id FROM tracing.retrace_requests q JOIN tracing.traced_cases t USING (case_id)
         WHERE t.traced_at IS NOT NULL AND t.f2_expanded_at IS NOT NULL AND (q.leased_until IS NULL OR q.leased_until < now())
         ORDER BY q.requested_at LIMIT 1 FOR UPDATE OF q SKIP LOCKED)
       RETURNING r.case_id, r.requested_seq, r.reason`,
        [`${leaseMs} milliseconds`],
      ),
    );
    return row ? { caseId: row.case_id, seq: String(row.requested_seq), reason: row.reason } : null;
  }

  /** The retrace is stored: the request goes, unless it was asked again meanwhile (then it is run again). */
  async done(lease: RetraceLease): Promise<void> {
    const deleted = returned(
      await this.tx.dataSource.query(
        'DELETE FROM tracing.retrace_requests WHERE case_id = $1 AND requested_seq = $2 RETURNING case_id',
        [lease.caseId, lease.seq],
      ),
    );
    if (deleted.length === 0) await this.release(lease);
  }

  /** Gives a lease back (a failed retrace, a newer request): the next pass takes it again. */
  async release(lease: RetraceLease): Promise<void> {
    await this.tx.dataSource.query('UPDATE tracing.retrace_requests SET leased_until = NULL WHERE case_id = $1', [
      lease.caseId,
    ]);
  }

  /** Requests and intents left behind: intents of tracings that died, requests for cases never confirmed within retention. */
  async sweep(retentionDays: number): Promise<void> {
    await this.tx.dataSource.query(`DELETE FROM tracing.trace_intents WHERE since < now() - interval '${INTENT_TTL}'`);
    await this.tx.dataSource.query(
      `DELETE FROM tracing.retrace_requests r WHERE r.requested_at < now() - make_interval(days => $1)
       AND NOT EXISTS (SELECT 1 FROM tracing.traced_cases t WHERE t.case_id = r.case_id)`,
      [retentionDays],
    );
  }

  /** Requests waiting (leased or not, for cases traced) and intents alive: zero means everything late has been traced again (the tests wait on it). */
  async pending(): Promise<{ requests: number; intents: number }> {
    const [r] = await this.tx.dataSource.query(
      `SELECT (SELECT count(*) FROM tracing.retrace_requests r WHERE EXISTS (SELECT 1 FROM tracing.traced_cases t WHERE t.case_id = r.case_id))::int AS requests,
              (SELECT count(*) FROM tracing.trace_intents WHERE since > now() - interval '${INTENT_TTL}')::int AS intents`,
    );
    return r;
  }
}

function detailParams(d: IntentDetail): unknown[] {
  return [
    d.sites.map((s) => s.venueId),
    d.sites.map((s) => new Date(s.start)),
    d.sites.map((s) => new Date(s.end)),
    d.f1.map((f) => f.personId),
    d.f1.map((f) => new Date(f.from)),
    d.f1.map((f) => new Date(f.to)),
  ];
}

/** The reasons a request was made, merged (at most a few distinct words). */
const MERGE_REASON = `(SELECT string_agg(DISTINCT x, ',' ORDER BY x) FROM unnest(string_to_array(r.reason || ',' || EXCLUDED.reason, ',')) AS x)`;

/**
 * The latest instant a stay may begin before and still change a case (see matchStays): 'infinity'
 * while a tracing is in progress, null when nothing is traced at all. Each max is read from an index.
 */
const HORIZON_SQL = `
SELECT CASE WHEN EXISTS (SELECT 1 FROM tracing.trace_intents WHERE since > now() - interval '${INTENT_TTL}') THEN 'infinity'::timestamptz
  ELSE greatest(
    (SELECT max(identified_at) FROM tracing.contacts WHERE degree = 1),
    (SELECT max(ended_at) FROM tracing.exposure_sites),
    (SELECT max(window_end) FROM tracing.traced_cases)) END AS horizon`;

/**
 * One statement per batch (see matchStays). `f1` holds the F1 of stored cases and of tracings in
 * progress, each with their F2 window; `it` the live intents. An intent without detail (its
 * tracing has not yet read the F1) matches every stay after its window opens.
 */
const MATCH_SQL = `
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
  SELECT x.case_id, x.venue_id, x.started_at, x.ended_at FROM tracing.exposure_sites x, span WHERE x.ended_at > span.lo AND x.started_at < span.hi
  UNION ALL
  SELECT i.case_id, x.venue_id, x.started_at, x.ended_at FROM it i CROSS JOIN LATERAL unnest(i.site_venue, i.site_start, i.site_end) AS x(venue_id, started_at, ended_at)
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
