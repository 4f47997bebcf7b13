import {
  FacilityBedsChanged,
  FollowUpMissed,
  HealthCheckRecorded,
  IsolationEnded,
  IsolationOrdered,
  IsolationTransferred,
} from '@ct/contracts';
import { inAreaScope, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/** Isolations running at one instant in some areas (care.v1). */
export interface IsolationFigures {
  atHome: number;
  inFacilities: number;
  waitingForBed: number;
  /** Free beds of the areas' treatment facilities (FacilityBedsChanged), each facility's latest figures then. */
  bedsFree: number;
}

/** The care figures read model (care.v1): idempotent by the events' own ids (isolationId, followUpId). */
@Injectable()
export class CareFiguresStore {
  constructor(private readonly tx: TransactionHost) {}

  private get m() {
    return this.tx.manager;
  }

  async ordered(e: IsolationOrdered, at: string): Promise<void> {
    await this.m.query(
      `INSERT INTO ops.care_isolations (isolation_id, area_code, kind, facility_id, needs_bed, active, updated_at, ordered_at)
       VALUES ($1, $2, $3, $4, $5, true, $6, $7) ON CONFLICT (isolation_id) DO NOTHING`,
      [e.isolationId, e.areaCode, e.kind, e.facilityId, e.needsBed, at, e.orderedAt],
    );
    await this.place(e.isolationId, e.orderedAt, e);
  }

  async transferred(e: IsolationTransferred): Promise<void> {
    // care.v1 is keyed by person: a transfer never precedes its order, nor follows its end.
    await this.m.query(
      `UPDATE ops.care_isolations SET kind = $2, facility_id = $3, needs_bed = $4, updated_at = $5 WHERE isolation_id = $1 AND active`,
      [e.isolationId, e.kind, e.facilityId, e.needsBed, e.transferredAt],
    );
    await this.place(e.isolationId, e.transferredAt, e);
  }

  /** Where an isolation is from `since` on (the weekly figures read the place at a week's end). */
  private async place(
    isolationId: string,
    since: string,
    p: { kind: string; facilityId: string | null; needsBed: boolean },
  ): Promise<void> {
    await this.m.query(
      `INSERT INTO ops.care_isolation_places (isolation_id, since, kind, facility_id, needs_bed) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (isolation_id, since) DO NOTHING`,
      [isolationId, since, p.kind, p.facilityId, p.needsBed],
    );
  }

  async ended(e: IsolationEnded): Promise<void> {
    await this.m.query(
      `UPDATE ops.care_isolations SET active = false, needs_bed = false, end_reason = $2, updated_at = $3, ended_at = $3 WHERE isolation_id = $1`,
      [e.isolationId, e.reason, e.endedAt],
    );
  }

  /**
   * A facility's beds at changedAt. Kept as history (one row per facility and instant), so the latest
   * is the one with the greatest changedAt whatever order the events arrive in; the same instant
   * twice (one facility's events are in order on their key) keeps the later one.
   */
  async beds(e: FacilityBedsChanged): Promise<void> {
    await this.m.query(
      `INSERT INTO ops.care_facility_beds (facility_id, changed_at, area_code, capacity, occupied, free)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (facility_id, changed_at) DO UPDATE SET area_code = EXCLUDED.area_code, capacity = EXCLUDED.capacity,
         occupied = EXCLUDED.occupied, free = EXCLUDED.free`,
      [e.facilityId, e.changedAt, e.areaCode, e.capacity, e.occupied, e.free],
    );
  }

  /**
   * People isolated in the areas `codes` at each instant of `at` (in that order): at home, in a
   * treatment facility (with a bed), waiting for a bed; each isolation where it was at that instant.
   */
  async isolationsAt(codes: string[], at: Date[]): Promise<IsolationFigures[]> {
    const rows: ({ n: number } & IsolationFigures)[] = await this.m.query(
      `SELECT w.n::int AS n,
              count(p.kind) FILTER (WHERE p.kind = 'HOME')::int AS "atHome",
              count(p.kind) FILTER (WHERE p.kind = 'TREATMENT_FACILITY' AND p.facility_id IS NOT NULL)::int AS "inFacilities",
              count(p.kind) FILTER (WHERE p.needs_bed)::int AS "waitingForBed"
         FROM unnest($2::timestamptz[]) WITH ORDINALITY AS w(at, n)
         LEFT JOIN ops.care_isolations i
           ON i.area_code = ANY($1::text[]) AND i.ordered_at <= w.at AND (i.ended_at IS NULL OR i.ended_at > w.at)
         LEFT JOIN LATERAL (
           SELECT pl.kind, pl.facility_id, pl.needs_bed FROM ops.care_isolation_places pl
            WHERE pl.isolation_id = i.isolation_id AND pl.since <= w.at ORDER BY pl.since DESC LIMIT 1) p ON true
        GROUP BY w.n ORDER BY w.n`,
      [codes, at],
    );
    // Free beds at each instant: each facility's latest figures then, in the area it belonged to then.
    const free: { n: number; bedsFree: number }[] = await this.m.query(
      `SELECT w.n::int AS n, coalesce(sum(b.free), 0)::int AS "bedsFree"
         FROM unnest($2::timestamptz[]) WITH ORDINALITY AS w(at, n)
         LEFT JOIN LATERAL (
           SELECT DISTINCT ON (facility_id) facility_id, area_code, free FROM ops.care_facility_beds
            WHERE changed_at <= w.at ORDER BY facility_id, changed_at DESC) b ON b.area_code = ANY($1::text[])
        GROUP BY w.n ORDER BY w.n`,
      [codes, at],
    );
    return rows.map(({ atHome, inFacilities, waitingForBed }, i) => ({
      atHome,
      inFacilities,
      waitingForBed,
      bedsFree: free[i].bedsFree,
    }));
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

  /**
   * Per area (of `areas`; null: all): isolated at home / in facilities, waiting for a bed, free beds
   * of its facilities (their latest FacilityBedsChanged), beds occupied per facility, follow-ups of a day.
   */
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
    // Each facility's latest figures, summed in the area it belongs to now.
    const bedsFree: { areaCode: string; bedsFree: number }[] = await this.m.query(
      `SELECT area_code AS "areaCode", sum(free)::int AS "bedsFree"
         FROM (SELECT DISTINCT ON (facility_id) facility_id, area_code, free FROM ops.care_facility_beds
                ORDER BY facility_id, changed_at DESC) latest
        WHERE ${inAreaScope('area_code', 1)} GROUP BY area_code`,
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
      bedsFree: 0,
      done: 0,
      unreachable: 0,
      missed: 0,
      lost: 0,
    };
    for (const r of [...isolations, ...bedsFree, ...followUps] as { areaCode: string }[])
      byArea.set(r.areaCode, { ...zero, ...(byArea.get(r.areaCode) ?? {}), ...r });
    return {
      day,
      areas: [...byArea.values()].sort((a, b) => String(a.areaCode).localeCompare(String(b.areaCode))),
      beds,
    };
  }
}
