import { AreaScope, inAreaScope } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { mergeSites } from '../../contacts/domain/tracing-policy';

/** Most sites in one answer of GET /exposure-sites (and the default). */
export const EXPOSURE_SITES_MAX = 5000;

/** Venues where a case stayed inside their infectious window; no case or person ids leave here. */
@Injectable()
export class ExposureSiteQueries {
  constructor(private readonly ds: DataSource) {}

  /** Sites of the cases of the scope (a case's areaCode), so counts and lists stay within it. */
  async list(from: Date, to: Date, scope: AreaScope, limit = EXPOSURE_SITES_MAX) {
    const rows: { venue_id: string; started_at: Date; ended_at: Date }[] = await this.ds.query(
      `SELECT s.venue_id, s.started_at, s.ended_at FROM tracing.exposure_sites s
        ${scope.all ? '' : 'JOIN tracing.traced_cases t ON t.case_id = s.case_id'}
        WHERE s.ended_at > $1 AND s.started_at < $2 AND ${scope.all ? 'true' : inAreaScope('t.area_code', 3)}`,
      [from, to, ...(scope.all ? [] : [scope.codes()])],
    );
    const merged = mergeSites(
      rows.map((r) => ({
        venueId: r.venue_id,
        start: new Date(r.started_at).getTime(),
        end: new Date(r.ended_at).getTime(),
      })),
    );
    const sorted = merged.sort((a, b) => a.start - b.start || (a.venueId < b.venueId ? -1 : 1));
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      sites: sorted
        .slice(0, limit)
        .map((s) => ({ venueId: s.venueId, from: new Date(s.start).toISOString(), to: new Date(s.end).toISOString() })),
      total: sorted.length,
      truncated: sorted.length > limit,
    };
  }
}
