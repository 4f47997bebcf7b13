import {
  FollowUpMissed,
  HealthCheckRecorded,
  IsolationEnded,
  IsolationOrdered,
  IsolationTransferred,
} from '@ct/contracts';
import { inAreaScope, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/** The care figures read model (care.v1): idempotent by the events' own ids (isolationId, followUpId). */
@Injectable()
export class CareFiguresStore {
  constructor(private readonly tx: TransactionHost) {}

  private get m() {
    return this.tx.manager;
  }

  async ordered(e: IsolationOrdered, at: string): Promise<void> {
    await this.m.query(
      `INSERT INTO ops.care_isolations (isolation_id, area_code, kind, facility_id, needs_bed, active, updated_at)
       VALUES ($1, $2, $3, $4, $5, true, $6) ON CONFLICT (isolation_id) DO NOTHING`,
      [e.isolationId, e.areaCode, e.kind, e.facilityId, e.needsBed, at],
    );
  }

  async transferred(e: IsolationTransferred): Promise<void> {
    // care.v1 is keyed by person: a transfer never precedes its order, nor follows its end.
    await this.m.query(
      `UPDATE ops.care_isolations SET kind = $2, facility_id = $3, needs_bed = $4, updated_at = $5 WHERE isolation_id = $1 AND active`,
      [e.isolationId, e.kind, e.facilityId, e.needsBed, e.transferredAt],
    );
  }

  async ended(e: IsolationEnded): Promise<void> {
    await this.m.query(
      `UPDATE ops.care_isolations SET active = false, needs_bed = false, end_reason = $2, updated_at = $3 WHERE isolation_id = $1`,
      [e.isolationId, e.reason, e.endedAt],
    );
  }

  async check(e: HealthCheckRecorded): Promise<void> {
    await this.m.query(
      `INSERT INTO ops.care_follow_ups (follow_up_id, area_code, due_on, status) VALUES ($1, $2, $3, $4)
       ON CONFLICT (follow_up_id) DO UPDATE SET status = CASE WHEN care_follow_ups.status = 'DONE' THEN 'DONE' ELSE EXCLUDED.status END`,
      [e.followUpId, e.areaCode, e.dueOn, e.status],
    );
  }

  async missed(e: FollowUpMissed): Promise<void> {
    await this.m.query(
      `INSERT INTO ops.care_follow_ups (follow_up_id, area_code, due_on, status, missed, lost) VALUES ($1, $2, $3, $4, true, $5)
       ON CONFLICT (follow_up_id) DO UPDATE SET missed = true, lost = EXCLUDED.lost`,
      [e.followUpId, e.areaCode, e.dueOn, e.lastStatus, e.lostToFollowUp],
    );
  }

  /** Per area (of `areas`; null: all): isolated at home / in facilities, waiting for a bed, beds occupied per facility, follow-ups of a day. */
  async figures(day: string, areas: string[] | null) {
    const isolations = await this.m.query(
      `SELECT area_code AS "areaCode",
              count(*) FILTER (WHERE kind = 'HOME')::int AS "isolatedAtHome",
              count(*) FILTER (WHERE kind = 'TREATMENT_FACILITY' AND facility_id IS NOT NULL)::int AS "isolatedInFacilities",
              count(*) FILTER (WHERE needs_bed)::int AS "waitingForBed"
         FROM ops.care_isolations WHERE active AND ${inAreaScope('area_code', 1)} GROUP BY area_code`,
      [areas],
    );
    const beds = await this.m.query(
      `SELECT facility_id AS "facilityId", count(*)::int AS occupied FROM ops.care_isolations
        WHERE active AND facility_id IS NOT NULL AND ${inAreaScope('area_code', 1)} GROUP BY facility_id ORDER BY facility_id`,
      [areas],
    );
    const followUps = await this.m.query(
      `SELECT area_code AS "areaCode", count(*) FILTER (WHERE status = 'DONE')::int AS done,
              count(*) FILTER (WHERE status = 'UNREACHABLE' AND NOT missed)::int AS unreachable,
              count(*) FILTER (WHERE missed)::int AS missed, count(*) FILTER (WHERE lost)::int AS lost
         FROM ops.care_follow_ups WHERE due_on = $2::date AND ${inAreaScope('area_code', 1)} GROUP BY area_code`,
      [areas, day],
    );
    const byArea = new Map<string, Record<string, unknown>>();
    const zero = {
      isolatedAtHome: 0,
      isolatedInFacilities: 0,
      waitingForBed: 0,
      done: 0,
      unreachable: 0,
      missed: 0,
      lost: 0,
    };
    for (const r of [...isolations, ...followUps] as { areaCode: string }[])
      byArea.set(r.areaCode, { ...zero, ...(byArea.get(r.areaCode) ?? {}), ...r });
    return {
      day,
      areas: [...byArea.values()].sort((a, b) => String(a.areaCode).localeCompare(String(b.areaCode))),
      beds,
    };
  }
}
