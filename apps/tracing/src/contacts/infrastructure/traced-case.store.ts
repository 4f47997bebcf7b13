import { returned, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { Cause } from '../domain/contact-id';
import { CaseFacts, Declaration, Interval } from '../domain/tracing-policy';

/** A site where the case's person stayed inside the infectious window (their stay clipped to it). */
export interface ExposureSite {
  venueId: string;
  start: number;
  end: number;
}

/** What the first tracing's stage leaves on the case (traced_cases). */
export interface TracedMark {
  identifiedAt: number;
  cause: Cause;
  /** Its F2 stage is still to run: the case is leased to `lease.owner` for `lease.interval`. */
  staged: boolean;
  window: Interval;
  lease: { owner: string; interval: string };
}

/** A case whose F2 stage a resume pass has just leased. */
export interface LeasedStage {
  caseId: string;
  personId: string;
  tracedAt: number;
  cause: Cause;
}

/**
 * A traced case's own rows: tracing.traced_cases (when and why it was traced, its infectious
 * window, the lease and progress of its F2 stage), its exposure sites and the contacts declared for
 * it. Statements run in the current transaction unless they say otherwise.
 */
@Injectable()
export class TracedCaseStore {
  constructor(private readonly tx: TransactionHost) {}

  /** The case is traced (and, `staged`, leased until its F2 stage has run; else expanded now). */
  async markTraced(caseId: string, t: TracedMark): Promise<void> {
    await this.tx.manager.query(
      `UPDATE tracing.traced_cases SET traced_at = $2, f2_expanded_at = CASE WHEN $5 THEN NULL ELSE now() END, cause_event_id = $3, correlation_id = $4,
         window_start = $6, window_end = $7, f2_lease_owner = CASE WHEN $5 THEN $8 END, f2_lease_until = CASE WHEN $5 THEN now() + $9::interval END
       WHERE case_id = $1`,
      [
        caseId,
        new Date(t.identifiedAt),
        t.cause.eventId,
        t.cause.correlationId,
        t.staged,
        new Date(t.window.start),
        new Date(t.window.end),
        t.lease.owner,
        t.lease.interval,
      ],
    );
  }

  /** A traced case as a retrace needs it (its facts and the cause of its first tracing), or null when not traced. */
  async traced(caseId: string): Promise<{ facts: CaseFacts; cause: Cause } | null> {
    const [r] = await this.tx.dataSource.query(
      `SELECT case_id, person_id, confirmed_at, symptom_onset_at, sample_taken_at, cause_event_id, correlation_id
       FROM tracing.traced_cases WHERE case_id = $1 AND traced_at IS NOT NULL`,
      [caseId],
    );
    if (!r) return null;
    const t = (v: Date | null) => (v ? new Date(v).getTime() : null);
    return {
      facts: {
        caseId,
        personId: r.person_id,
        confirmedAt: new Date(r.confirmed_at).getTime(),
        symptomOnsetAt: t(r.symptom_onset_at),
        sampleTakenAt: t(r.sample_taken_at),
      },
      cause: { eventId: r.cause_event_id ?? caseId, correlationId: r.correlation_id ?? caseId },
    };
  }

  /** The infectious window a retrace used (what late check-ins are matched against). */
  async setWindow(caseId: string, w: Interval): Promise<void> {
    await this.tx.manager.query(
      'UPDATE tracing.traced_cases SET window_start = $2, window_end = $3 WHERE case_id = $1',
      [caseId, new Date(w.start), new Date(w.end)],
    );
  }

  /** Renews the lease of a case's F2 stage, if this owner still holds it. */
  async renewLease(caseId: string, owner: string, interval: string): Promise<void> {
    await this.tx.manager.query(
      'UPDATE tracing.traced_cases SET f2_lease_until = now() + $2::interval WHERE case_id = $1 AND f2_lease_owner = $3',
      [caseId, interval, owner],
    );
  }

  /** The case's F2 stage is done (committed at once): marked expanded, the lease dropped. */
  async markExpanded(caseId: string): Promise<void> {
    await this.tx.dataSource.query(
      'UPDATE tracing.traced_cases SET f2_expanded_at = now(), f2_lease_owner = NULL, f2_lease_until = NULL WHERE case_id = $1',
      [caseId],
    );
  }

  /**
   * Leases (committed at once) the oldest case traced more than `graceMs` ago whose F2 stage is not
   * done and whose lease ran out, or is `owner`'s though not `running` here. Null when there is none.
   */
  async leasePending(owner: string, interval: string, graceMs: number, running: string[]): Promise<LeasedStage | null> {
    const [r] = returned<{
      case_id: string;
      person_id: string;
      traced_at: Date;
      cause_event_id: string | null;
      correlation_id: string | null;
    }>(
      await this.tx.dataSource.query(
        `UPDATE tracing.traced_cases t SET f2_lease_owner = $1, f2_lease_until = now() + $2::interval
         WHERE t.case_id = (
           SELECT case_id FROM tracing.traced_cases
           WHERE f2_expanded_at IS NULL AND traced_at IS NOT NULL AND traced_at < now() - $3::interval
             AND (f2_lease_until IS NULL OR f2_lease_until < now() OR (f2_lease_owner = $1 AND NOT case_id = ANY($4::text[])))
           ORDER BY traced_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING case_id, person_id, traced_at, cause_event_id, correlation_id`,
        [owner, interval, `${graceMs} milliseconds`, running],
      ),
    );
    if (!r) return null;
    return {
      caseId: r.case_id,
      personId: r.person_id,
      tracedAt: new Date(r.traced_at).getTime(),
      cause: { eventId: r.cause_event_id ?? r.case_id, correlationId: r.correlation_id ?? r.case_id },
    };
  }

  /** The case's exposure sites (its stays clipped to the infectious window); a site found longer since is lengthened. */
  async storeSites(caseId: string, sites: ExposureSite[]): Promise<void> {
    if (sites.length === 0) return;
    await this.tx.manager.query(
      `INSERT INTO tracing.exposure_sites AS x (case_id, venue_id, started_at, ended_at)
       SELECT $1, * FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[])
       ON CONFLICT (case_id, venue_id, started_at) DO UPDATE SET ended_at = EXCLUDED.ended_at WHERE x.ended_at < EXCLUDED.ended_at`,
      [caseId, sites.map((s) => s.venueId), sites.map((s) => new Date(s.start)), sites.map((s) => new Date(s.end))],
    );
  }

  /** The case's exposure sites are exactly `sites` now (a retrace). */
  async replaceSites(caseId: string, sites: ExposureSite[]): Promise<void> {
    await this.tx.manager.query('DELETE FROM tracing.exposure_sites WHERE case_id = $1', [caseId]);
    await this.storeSites(caseId, sites);
  }

  /** The contacts declared for the case (interviews). */
  async declarationsOf(caseId: string): Promise<Declaration[]> {
    const rows = await this.tx.manager.query(
      'SELECT source_person_id, person_id, kind, started_at, ended_at FROM tracing.declared_contacts WHERE case_id = $1',
      [caseId],
    );
    return rows.map((r: any) => ({
      sourcePersonId: r.source_person_id,
      personId: r.person_id,
      kind: r.kind,
      start: new Date(r.started_at).getTime(),
      end: new Date(r.ended_at).getTime(),
    }));
  }
}
