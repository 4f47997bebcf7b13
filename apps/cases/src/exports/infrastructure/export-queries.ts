import { inAreaScope, Principal, ServiceClock, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { CasesDataset } from '../domain/datasets';

export interface ExportFilters {
  /** Area codes wanted (an area with its sub-areas, cut to the caller's scope); null = all. */
  areas: string[] | null;
  from: string | null;
  to: string | null;
}

/**
 * The SQL of each data set: one SELECT, ordered, filtered in SQL by the caller's areas and the
 * period (cases: confirmation; contacts: identification), streamed by a cursor. `$1` areas, `$2`
 * from, `$3` to. Area names come from the catalog (`$4`: codes, `$5`: names); contacts: `$6` the
 * caller's scope (null = all), which decides whether a contact's source case may be named.
 */
export function exportSql(dataset: CasesDataset): string {
  switch (dataset) {
    case 'cases':
      return `SELECT c.id::text AS case_id, c.person_id, p.full_name, p.phone, p.national_id,
          to_char(p.date_of_birth, 'YYYY-MM-DD') AS date_of_birth, p.address, c.area_code, n.name AS area_name,
          c.status, c.origin, c.test_type, c.confirmed_at, c.symptom_onset_at, c.sample_taken_at, c.closed_at, c.outcome
        FROM cases.cases c
        LEFT JOIN cases.persons p ON p.person_id = c.person_id
        LEFT JOIN unnest($4::text[], $5::text[]) AS n(code, name) ON n.code = c.area_code
        WHERE ${inAreaScope('c.area_code', 1)}
          AND ($2::timestamptz IS NULL OR c.confirmed_at >= $2) AND ($3::timestamptz IS NULL OR c.confirmed_at < $3)
        ORDER BY c.confirmed_at, c.id`;
    case 'contacts':
      // The source case and person of another area than the caller's ($6, null = all) are left
      // blank, as the contact graph shows them only as pseudonyms.
      return `SELECT s.contact_id::text AS contact_id, s.person_id, p.full_name, p.phone, p.national_id, s.degree, s.kind,
          CASE WHEN ${inAreaScope('sc.area_code', 6)} THEN s.source_case_id::text END AS source_case_id,
          CASE WHEN ${inAreaScope('sc.area_code', 6)} THEN s.source_person_id END AS source_person_id,
          a.area_code, s.last_exposure_at, s.identified_at
        FROM cases.status_contacts s
        LEFT JOIN cases.persons p ON p.person_id = s.person_id
        LEFT JOIN cases.cases sc ON sc.id = s.source_case_id
        CROSS JOIN LATERAL (SELECT COALESCE(p.area_code, sc.area_code) AS area_code) a
        LEFT JOIN unnest($4::text[], $5::text[]) AS n(code, name) ON n.code = a.area_code
        WHERE ${inAreaScope('a.area_code', 1)}
          AND ($2::timestamptz IS NULL OR s.identified_at >= $2) AND ($3::timestamptz IS NULL OR s.identified_at < $3)
        ORDER BY s.identified_at, s.contact_id`;
  }
}

/** cases.export_log: every export, who, what, how many rows. */
@Injectable()
export class ExportLog {
  constructor(
    private readonly tx: TransactionHost,
    private readonly clock: ServiceClock,
  ) {}

  async record(
    who: Principal,
    what: { dataset: string; format: string; filters: ExportFilters; identity: boolean },
    rows: number,
    completed: boolean,
  ): Promise<void> {
    await this.tx.run((m) =>
      m.query(
        `INSERT INTO cases.export_log (at, subject, roles, dataset, format, filters, identity, row_count, completed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          this.clock.now(),
          who.subject,
          who.roles.join(','),
          what.dataset,
          what.format,
          JSON.stringify(what.filters),
          what.identity,
          rows,
          completed,
        ],
      ),
    );
  }

  async list(limit: number) {
    const rows: Record<string, unknown>[] = await this.tx.manager.query(
      `SELECT id, at, subject, roles, dataset, format, filters, identity, row_count, completed FROM cases.export_log ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: (r.at as Date).toISOString(),
      subject: r.subject,
      roles: String(r.roles).split(','),
      dataset: r.dataset,
      format: r.format,
      filters: r.filters,
      identity: r.identity,
      rows: Number(r.row_count),
      completed: r.completed,
    }));
  }
}
