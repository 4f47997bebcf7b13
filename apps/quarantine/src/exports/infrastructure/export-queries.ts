import { inAreaScope, Principal, ServiceClock, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { ORDER_AREA, ORDER_AREA_JOINS } from '../../quarantines/infrastructure/quarantine-areas';
import { QuarantineDataset } from '../domain/datasets';

export interface ExportFilters {
  areas: string[] | null;
  from: string | null;
  to: string | null;
}

/**
 * One SELECT per data set, streamed by a cursor: `$1` areas (null = all), `$2`/`$3` the period
 * (orders: ordered_at; tests: scheduled_at; follow-ups: the start of their local due day), `$4`/`$5`
 * area codes and names. An order's area is ORDER_AREA; a test's its order's, else its person's
 * profile's (as QuarantineAreas decides); a follow-up's the one stored with it (as GET /follow-ups).
 */
export function exportSql(dataset: QuarantineDataset, utcOffsetMinutes: number): string {
  // The first local day starting at or after an instant: day d is in [from, to) when its local
  // midnight is, i.e. firstDay(from) <= d < firstDay(to). On due_on itself, so its index serves.
  const firstDay = (p: number) =>
    `((($${p}::timestamptz AT TIME ZONE 'UTC') + interval '${Math.trunc(utcOffsetMinutes)} minutes' + interval '1 day' - interval '1 microsecond')::date)`;
  switch (dataset) {
    case 'quarantines':
      return `SELECT q.id::text AS quarantine_id, q.person_id, q.degree, q.kind, q.facility_id, a.area_code, n.name AS area_name,
          q.status, to_char(q.day_zero, 'YYYY-MM-DD') AS day_zero, q.starts_at, q.ends_at, q.ended_at, q.end_reason, q.ordered_at
        FROM quarantine.quarantines q ${ORDER_AREA_JOINS}
        CROSS JOIN LATERAL (SELECT ${ORDER_AREA} AS area_code) a
        LEFT JOIN unnest($4::text[], $5::text[]) AS n(code, name) ON n.code = a.area_code
        WHERE ${inAreaScope('a.area_code', 1)}
          AND ($2::timestamptz IS NULL OR q.ordered_at >= $2) AND ($3::timestamptz IS NULL OR q.ordered_at < $3)
        ORDER BY q.ordered_at, q.id`;
    case 'tests':
      return `SELECT t.id::text AS test_id, t.person_id, t.quarantine_id::text AS quarantine_id, t.purpose, a.area_code, n.name AS area_name,
          to_char(t.due_on, 'YYYY-MM-DD') AS due_on, t.day, t.status, t.result, t.test_type, t.sample_taken_at, t.recorded_at
        FROM quarantine.tests t
        LEFT JOIN quarantine.quarantines q ON q.id = t.quarantine_id
        ${ORDER_AREA_JOINS}
        LEFT JOIN quarantine.person_profiles tp ON tp.person_id = t.person_id
        CROSS JOIN LATERAL (SELECT COALESCE(CASE WHEN q.id IS NOT NULL THEN ${ORDER_AREA} END, tp.area_code) AS area_code) a
        LEFT JOIN unnest($4::text[], $5::text[]) AS n(code, name) ON n.code = a.area_code
        WHERE ${inAreaScope('a.area_code', 1)}
          AND ($2::timestamptz IS NULL OR t.scheduled_at >= $2) AND ($3::timestamptz IS NULL OR t.scheduled_at < $3)
        ORDER BY t.scheduled_at, t.id`;
    case 'follow-ups':
      return `SELECT f.id::text AS follow_up_id, f.person_id, f.subject, f.order_id::text AS order_id, f.area_code, n.name AS area_name,
          to_char(f.due_on, 'YYYY-MM-DD') AS due_on, f.slot, f.status, f.source, f.temperature_c, f.spo2,
          array_to_string(f.symptoms, ';') AS symptoms, array_to_string(f.warning_signs, ';') AS warning_signs,
          f.missed, f.lost, f.recorded_at
        FROM quarantine.follow_ups f
        LEFT JOIN unnest($4::text[], $5::text[]) AS n(code, name) ON n.code = f.area_code
        WHERE f.status <> 'CANCELLED' AND ${inAreaScope('f.area_code', 1)}
          AND ($2::timestamptz IS NULL OR f.due_on >= ${firstDay(2)}) AND ($3::timestamptz IS NULL OR f.due_on < ${firstDay(3)})
        ORDER BY f.due_on, f.area_code, f.person_id, f.slot, f.id`;
  }
}

/** quarantine.export_log: every export, who, what, how many rows. */
@Injectable()
export class ExportLog {
  constructor(
    private readonly tx: TransactionHost,
    private readonly clock: ServiceClock,
  ) {}

  async record(
    who: Principal,
    what: { dataset: string; format: string; filters: ExportFilters },
    rows: number,
    completed: boolean,
  ): Promise<void> {
    await this.tx.run((m) =>
      m.query(
        `INSERT INTO quarantine.export_log (at, subject, roles, dataset, format, filters, row_count, completed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          this.clock.now(),
          who.subject,
          who.roles.join(','),
          what.dataset,
          what.format,
          JSON.stringify(what.filters),
          rows,
          completed,
        ],
      ),
    );
  }
}
