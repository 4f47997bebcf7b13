import { FollowUpStatus, FollowUpSubject, Symptom, WarningSign } from '@ct/contracts';
import { inAreaScope, returned, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

export interface FollowUp {
  id: string;
  personId: string;
  subject: FollowUpSubject;
  orderId: string;
  areaCode: string | null;
  dueOn: string;
  slot: number;
  status: 'DUE' | FollowUpStatus | 'CANCELLED';
}

export interface MissedRow extends FollowUp {
  lastCompletedOn: string | null;
  firstDueOn: string;
}

export const COLUMNS = `f.id, f.person_id, f.subject, f.order_id, f.area_code, to_char(f.due_on, 'YYYY-MM-DD') AS due_on, f.slot, f.status`;

export function fromRow(r: Record<string, unknown>): FollowUp {
  return {
    id: r.id as string,
    personId: r.person_id as string,
    subject: r.subject as FollowUpSubject,
    orderId: r.order_id as string,
    areaCode: (r.area_code as string | null) ?? null,
    dueOn: r.due_on as string,
    slot: r.slot as number,
    status: r.status as FollowUp['status'],
  };
}

export interface RecordedValues {
  status: FollowUpStatus;
  source: string;
  temperatureC: number | null;
  spo2: number | null;
  symptoms: Symptom[];
  warningSigns: WarningSign[];
  note: string | null;
  by: string;
}

/** The area of a quarantine order, as in quarantine-areas.ts (ORDER_AREA). */
const QUARANTINE_AREA = `COALESCE(q.area_code, pp.area_code, ca.area_code)`;

/** SQL of the daily follow-ups: set-based generation and missed pass, the staff list, recording. */
@Injectable()
export class FollowUpStore {
  constructor(private readonly tx: TransactionHost) {}

  private get m() {
    return this.tx.manager;
  }

  /**
   * Today's follow-ups of everyone under isolation (homeChecks a day at home, checks in a facility),
   * quarantine or watch (checks a day), in one statement. The follow-ups the day already has are
   * left out by an anti-join (a later pass of the day inserts only new orders' follow-ups; ON
   * CONFLICT covers a concurrent pass). Slots come from a 4-row list (CARE_*_CHECKS_PER_DAY <= 4),
   * not generate_series, whose 1,000-row estimate made the planner expect millions of rows.
   */
  async generate(day: string, dayEndsAt: Date, now: Date, checks: number, homeChecks: number): Promise<number> {
    const rows = await this.m.query(
      `INSERT INTO quarantine.follow_ups (id, person_id, subject, order_id, area_code, due_on, slot, status, created_at)
       SELECT gen_random_uuid(), s.person_id, s.subject, s.order_id, s.area_code, $1::date, g.slot, 'DUE', $3
         FROM (
           SELECT i.person_id, 'ISOLATION' AS subject, i.id AS order_id, i.area_code,
                  CASE WHEN i.kind = 'HOME' THEN $5::int ELSE $4::int END AS n
             FROM quarantine.isolations i WHERE i.status = 'ACTIVE'
           UNION ALL
           SELECT q.person_id, CASE WHEN q.kind = 'SELF_MONITORING' THEN 'WATCH' ELSE 'QUARANTINE' END, q.id, ${QUARANTINE_AREA}, $4::int
             FROM quarantine.quarantines q
             LEFT JOIN quarantine.person_profiles pp ON pp.person_id = q.person_id
             LEFT JOIN quarantine.case_areas ca ON ca.case_id = q.source_case_id
            WHERE q.status = 'ACTIVE' AND q.starts_at < $2 AND q.ends_at > $2 - interval '1 day'
              AND NOT EXISTS (SELECT 1 FROM quarantine.isolations i WHERE i.person_id = q.person_id AND i.status = 'ACTIVE')
         ) s
         JOIN (VALUES (1), (2), (3), (4)) AS g(slot) ON g.slot <= s.n
        WHERE NOT EXISTS (SELECT 1 FROM quarantine.follow_ups f WHERE f.order_id = s.order_id AND f.due_on = $1::date AND f.slot = g.slot)
       ON CONFLICT (order_id, due_on, slot) DO NOTHING
       RETURNING 1`,
      [day, dayEndsAt, now, checks, homeChecks],
    );
    return returned(rows).length;
  }

  /**
   * Follow-ups of days before `today` that were never completed (DUE, or UNREACHABLE only) are
   * marked missed, once; with each, the order's last completed day and its first follow-up day.
   */
  async markMissed(today: string): Promise<MissedRow[]> {
    const rows = await this.m.query(
      `WITH m AS (
         UPDATE quarantine.follow_ups f SET missed = true
          WHERE f.id = ANY(ARRAY(SELECT id FROM quarantine.follow_ups
                                  WHERE due_on < $1::date AND NOT missed AND status IN ('DUE', 'UNREACHABLE')
                                  FOR UPDATE SKIP LOCKED))
         RETURNING ${COLUMNS})
       SELECT m.*,
              (SELECT to_char(max(d.due_on), 'YYYY-MM-DD') FROM quarantine.follow_ups d WHERE d.order_id = m.order_id AND d.status = 'DONE') AS last_done,
              (SELECT to_char(min(d.due_on), 'YYYY-MM-DD') FROM quarantine.follow_ups d WHERE d.order_id = m.order_id) AS first_due
         FROM m`,
      [today],
    );
    return rows.map((r: Record<string, unknown>) => ({
      ...fromRow(r),
      lastCompletedOn: (r.last_done as string | null) ?? null,
      firstDueOn: r.first_due as string,
    }));
  }

  async flagLost(ids: string[]): Promise<void> {
    if (ids.length)
      await this.m.query('UPDATE quarantine.follow_ups SET lost = true WHERE id = ANY($1::uuid[])', [ids]);
  }

  async lock(id: string): Promise<FollowUp | null> {
    const [r] = await this.tx.queryPrepared(
      `SELECT ${COLUMNS} FROM quarantine.follow_ups f WHERE f.id = $1 FOR UPDATE`,
      [id],
    );
    return r ? fromRow(r) : null;
  }

  /** Today's first open follow-up of an order (for a self-report), locked; null when none is open. */
  async openOf(orderId: string, day: string): Promise<FollowUp | null> {
    const [r] = await this.m.query(
      `SELECT ${COLUMNS} FROM quarantine.follow_ups f WHERE f.order_id = $1 AND f.due_on = $2::date AND f.status IN ('DUE', 'UNREACHABLE')
        ORDER BY f.slot LIMIT 1 FOR UPDATE`,
      [orderId, day],
    );
    return r ? fromRow(r) : null;
  }

  /** An extra follow-up of the day (a self-report when every slot is done, or before generation ran). */
  async addExtra(f: Omit<FollowUp, 'slot' | 'status'>, now: Date): Promise<FollowUp | null> {
    const [r] = await this.m.query(
      `INSERT INTO quarantine.follow_ups (id, person_id, subject, order_id, area_code, due_on, slot, status, created_at)
       SELECT $1, $2, $3, $4, $5, $6::date, COALESCE(max(slot), 0) + 1, 'DUE', $7
         FROM quarantine.follow_ups WHERE order_id = $4 AND due_on = $6::date
       HAVING COALESCE(max(slot), 0) < 4
       RETURNING ${COLUMNS.replace(/f\./g, '')}`,
      [f.id, f.personId, f.subject, f.orderId, f.areaCode, f.dueOn, now],
    );
    return r ? fromRow(r) : null;
  }

  async record(id: string, v: RecordedValues, at: Date): Promise<void> {
    await this.tx.queryPrepared(
      `UPDATE quarantine.follow_ups SET status = $2, source = $3, temperature_c = $4, spo2 = $5, symptoms = $6, warning_signs = $7,
              note = $8, recorded_by = $9, recorded_at = $10 WHERE id = $1`,
      [id, v.status, v.source, v.temperatureC, v.spo2, v.symptoms, v.warningSigns, v.note, v.by, at],
    );
  }

  /** The days (before `day`) on which the person had a completed check at or above `feverC`. */
  async highFeverDays(personId: string, day: string, days: number, feverC: number): Promise<Set<string>> {
    const rows = await this.tx.queryPrepared<{ d: string }>(
      `SELECT DISTINCT to_char(due_on, 'YYYY-MM-DD') AS d FROM quarantine.follow_ups
        WHERE person_id = $1 AND status = 'DONE' AND due_on < $2::date AND due_on >= $2::date - $3::int AND temperature_c >= $4`,
      [personId, day, days, feverC],
    );
    return new Set(rows.map((r) => r.d));
  }

  async list(q: {
    due: string;
    area: string | null;
    status: string | null;
    areas: string[] | null;
    limit: number;
    offset: number;
  }) {
    const where = `f.due_on = $1::date AND ($2::text IS NULL OR f.area_code = $2) AND ($3::text IS NULL OR f.status = $3)
      AND f.status <> 'CANCELLED' AND ${inAreaScope('f.area_code', 4)}`;
    const params = [q.due, q.area, q.status, q.areas];
    const [{ total }] = await this.m.query(
      `SELECT count(*)::int AS total FROM quarantine.follow_ups f WHERE ${where}`,
      params,
    );
    const items = await this.m.query(
      `SELECT f.id AS "followUpId", f.person_id AS "personId", f.subject, f.order_id AS "orderId", f.area_code AS "areaCode",
              to_char(f.due_on, 'YYYY-MM-DD') AS "dueOn", f.slot, f.status, f.source, f.temperature_c::float AS "temperatureC", f.spo2,
              f.symptoms, f.warning_signs AS "warningSigns", f.recorded_at AS "recordedAt", f.missed,
              (SELECT to_char(max(d.due_on), 'YYYY-MM-DD') FROM quarantine.follow_ups d WHERE d.order_id = f.order_id AND d.status = 'DONE') AS "lastCompletedOn",
              EXISTS (SELECT 1 FROM quarantine.follow_ups l WHERE l.order_id = f.order_id AND l.lost
                        AND NOT EXISTS (SELECT 1 FROM quarantine.follow_ups d WHERE d.order_id = f.order_id AND d.status = 'DONE' AND d.due_on > l.due_on)) AS "lostToFollowUp"
         FROM quarantine.follow_ups f WHERE ${where}
        ORDER BY f.area_code, f.person_id, f.slot LIMIT $5 OFFSET $6`,
      [...params, q.limit, q.offset],
    );
    return { total: total as number, items };
  }
}
