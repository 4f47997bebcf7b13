import { EventEnvelope } from '@ct/contracts';
import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/**
 * The exposures of contacts.v1, for clusters and exposure sites in the weekly report. Idempotent by
 * contactId (a redelivery rewrites the same row; an older version never overwrites a newer one) and
 * independent of order: a withdrawal that arrives before its contact leaves a row the contact then
 * fills in. A contact counts while it is not withdrawn, or was identified again after the withdrawal.
 */
/** A contact still counts unless it was withdrawn (and not identified again since); alias e. */
export const ACTIVE = '(e.withdrawn_at IS NULL OR e.withdrawn_at < e.identified_at)';

@Injectable()
export class ExposureStore {
  constructor(private readonly tx: TransactionHost) {}

  async identified(events: EventEnvelope<'ContactIdentified'>[]): Promise<void> {
    if (events.length === 0) return;
    const p = events.map((e) => e.payload);
    await this.tx.manager.query(
      `INSERT INTO ops.exposures (contact_id, person_id, source_case_id, venue_id, exposure_started_at, identified_at)
       SELECT DISTINCT ON (c) c, p, s, v, t, i
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[]) AS x(c, p, s, v, t, i)
       ORDER BY c, i DESC
       ON CONFLICT (contact_id) DO UPDATE SET person_id = EXCLUDED.person_id, source_case_id = EXCLUDED.source_case_id,
         venue_id = EXCLUDED.venue_id, exposure_started_at = EXCLUDED.exposure_started_at, identified_at = EXCLUDED.identified_at
       WHERE ops.exposures.identified_at IS NULL OR ops.exposures.identified_at <= EXCLUDED.identified_at`,
      [
        p.map((x) => x.contactId),
        p.map((x) => x.personId),
        p.map((x) => x.sourceCaseId),
        p.map((x) => (x.exposure.kind === 'CO_LOCATION' ? x.exposure.venueId : null)),
        p.map((x) => x.exposure.startedAt),
        p.map((x) => x.identifiedAt),
      ],
    );
  }

  async withdrawn(e: EventEnvelope<'ContactWithdrawn'>): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO ops.exposures (contact_id, person_id, source_case_id, withdrawn_at) VALUES ($1,$2,$3,$4)
       ON CONFLICT (contact_id) DO UPDATE SET withdrawn_at = GREATEST(ops.exposures.withdrawn_at, EXCLUDED.withdrawn_at)`,
      [e.payload.contactId, e.payload.personId, e.payload.sourceCaseId, e.payload.withdrawnAt],
    );
  }

  /**
   * Removes up to `limit` exposures older than `horizon` (by exposure time, or withdrawal time for a
   * withdrawal never followed by its contact). Before they go, in the same transaction, it keeps
   * the case-to-case links they make (when the contact's case is known) and each venue's first day
   * as an exposure site in the source case's area (local date). Returns how many went.
   */
  async purgeBefore(horizon: Date, limit: number): Promise<number> {
    const m = this.tx.manager;
    const doomed: { contact_id: string }[] = await m.query(
      `SELECT contact_id FROM ops.exposures WHERE COALESCE(exposure_started_at, withdrawn_at) < $1
       ORDER BY contact_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [horizon, limit],
    );
    if (doomed.length === 0) return 0;
    const ids = doomed.map((r) => r.contact_id);
    await m.query(
      `INSERT INTO ops.case_links (source_case_id, case_id)
       SELECT DISTINCT e.source_case_id, t.case_id FROM ops.exposures e JOIN ops.case_counts t ON t.person_id = e.person_id
       WHERE e.contact_id = ANY($1::text[]) AND ${ACTIVE} AND t.case_id <> e.source_case_id
       ON CONFLICT DO NOTHING`,
      [ids],
    );
    await m.query(
      `INSERT INTO ops.exposure_site_days (venue_id, area_code, first_day)
       SELECT e.venue_id, c.area_code, min((e.exposure_started_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)
       FROM ops.exposures e JOIN ops.case_counts c ON c.case_id = e.source_case_id
       WHERE e.contact_id = ANY($1::text[]) AND ${ACTIVE} AND e.venue_id IS NOT NULL GROUP BY e.venue_id, c.area_code
       ON CONFLICT (venue_id, area_code) DO UPDATE SET first_day = LEAST(ops.exposure_site_days.first_day, EXCLUDED.first_day)`,
      [ids],
    );
    await m.query('DELETE FROM ops.exposures WHERE contact_id = ANY($1::text[])', [ids]);
    return ids.length;
  }
}
