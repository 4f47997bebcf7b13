import { returned, TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { TRACING_POLICY } from '../contacts.tokens';
import { EnginePolicy } from '../engine-policy';
import { HORIZON_SQL, INTENT_TTL, MATCH_SQL, MERGE_REASON } from './late-data.sql';

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
    @Inject(TRACING_POLICY) private readonly policy: EnginePolicy,
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
    const [{ horizon }] = await this.tx.dataSource.query(HORIZON_SQL, [`${this.policy.exposureLingerMs} milliseconds`]);
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
      `${this.policy.exposureLingerMs} milliseconds`,
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

  /** A failed retrace waits `ms` (its lease kept) so the requests behind it run first. */
  async postpone(lease: RetraceLease, ms: number): Promise<void> {
    await this.tx.dataSource.query(
      'UPDATE tracing.retrace_requests SET leased_until = now() + $2::interval WHERE case_id = $1',
      [lease.caseId, `${ms} milliseconds`],
    );
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
