import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { ACTIVE as ACTIVE_EXPOSURE } from '../../surveillance/infrastructure/exposure.store';
import type { ClusterCase } from '../domain/clusters';

/**
 * The weekly report's reads beyond the weekly counts: quarantines running, the case links that make
 * clusters, and exposure sites. An area is the area of the case: a quarantine or an exposure
 * belongs to the area of its source case (the F0). Everything is joined when read, so the order
 * the events were consumed in does not change an answer.
 */
@Injectable()
export class WeeklyReportStore {
  constructor(private readonly tx: TransactionHost) {}

  /** People in quarantine at `at`, ordered for contacts of the areas' cases. */
  async quarantinesActive(codes: string[], at: Date): Promise<number> {
    const [row] = await this.tx.manager.query(
      `SELECT count(DISTINCT q.person_id)::int AS n FROM ops.quarantined_persons q
       JOIN ops.case_counts c ON c.case_id = q.source_case_id
       WHERE c.area_code = ANY($1::text[]) AND q.started_at <= $2 AND (q.ended_at IS NULL OR q.ended_at > $2)`,
      [codes, at],
    );
    return row.n;
  }

  /** The areas' cases confirmed in [from, to) and the links between them (a case's person was a contact of another). */
  async clusterInputs(
    codes: string[],
    from: Date,
    to: Date,
  ): Promise<{ cases: ClusterCase[]; links: [string, string][] }> {
    const cases: { case_id: string; confirmed_at: Date }[] = await this.tx.manager.query(
      `SELECT case_id, confirmed_at FROM ops.case_counts
       WHERE area_code = ANY($1::text[]) AND confirmed_at >= $2 AND confirmed_at < $3`,
      [codes, from, to],
    );
    // Live exposures, and the links kept from exposures already gone (retention).
    const links: { a: string; b: string }[] = await this.tx.manager.query(
      `WITH l AS (
         SELECT e.source_case_id AS a, t.case_id AS b FROM ops.exposures e
         JOIN ops.case_counts t ON t.person_id = e.person_id
         WHERE ${ACTIVE_EXPOSURE} AND t.case_id <> e.source_case_id
         UNION SELECT source_case_id, case_id FROM ops.case_links)
       SELECT l.a, l.b FROM l JOIN ops.case_counts s ON s.case_id = l.a JOIN ops.case_counts t ON t.case_id = l.b
       WHERE t.area_code = ANY($1::text[]) AND s.area_code = ANY($1::text[])
         AND t.confirmed_at >= $2 AND t.confirmed_at < $3 AND s.confirmed_at >= $2 AND s.confirmed_at < $3`,
      [codes, from, to],
    );
    return {
      cases: cases.map((c) => ({ caseId: c.case_id, confirmedAt: new Date(c.confirmed_at).getTime() })),
      links: links.map((l) => [l.a, l.b]),
    };
  }

  /**
   * Venues where a contact was first exposed to one of the areas' cases in [from, to), earliest
   * first. "First" as far as ops still knows: exposures older than the retention are gone, and only
   * each venue's first day per area is kept of them.
   */
  async newExposureSites(codes: string[], from: Date, to: Date): Promise<{ venueId: string; firstExposureAt: Date }[]> {
    // Live exposures, and the first days kept from exposures already gone (local midnight of that day).
    const rows: { venue_id: string; first: Date }[] = await this.tx.manager.query(
      `WITH seen AS (
         SELECT e.venue_id, e.exposure_started_at AS at FROM ops.exposures e
         JOIN ops.case_counts c ON c.case_id = e.source_case_id
         WHERE e.venue_id IS NOT NULL AND ${ACTIVE_EXPOSURE} AND c.area_code = ANY($1::text[]) AND e.exposure_started_at < $3
         UNION ALL
         SELECT venue_id, first_day::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' FROM ops.exposure_site_days
         WHERE area_code = ANY($1::text[]))
       SELECT venue_id, min(at) AS first FROM seen GROUP BY venue_id HAVING min(at) >= $2 AND min(at) < $3
       ORDER BY first, venue_id`,
      [codes, from, to],
    );
    return rows.map((r) => ({ venueId: r.venue_id, firstExposureAt: new Date(r.first) }));
  }
}
