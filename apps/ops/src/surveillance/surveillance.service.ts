import { EventEnvelope } from '@ct/contracts';
import { AreaCatalog, TransactionHost, ServiceClock } from '@ct/platform';
import { Injectable, Logger } from '@nestjs/common';
import { AreaLevels } from './area-levels';
import { addWeeks, changePct, isoWeekLabel, phrase, VN_OFFSET_MS, weekStartOf } from './domain/weeks';
import { CareFiguresStore } from '../care/care-figures.store';

export interface Coverage {
  population?: number | null;
  adultsOneDosePct: number;
  over50FullyVaccinatedPct: number;
  treatmentOccupancyPct?: number | null;
}

/**
 * The surveillance read model, fed by cases.v1 and quarantine.v1: cases per area per local ISO
 * week (community or not), vaccination coverage, and the Resolution 128 level of each area (assessed
 * by AreaLevels).
 */
@Injectable()
export class SurveillanceService {
  private readonly logger = new Logger(SurveillanceService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly areas: AreaCatalog,
    private readonly clock: ServiceClock,
    private readonly care: CareFiguresStore,
    private readonly assessor: AreaLevels,
  ) {}

  /** Inside the handler's transaction. */
  async recordCase(e: EventEnvelope<'CaseConfirmed'>): Promise<void> {
    const p = e.payload;
    const m = this.tx.manager;
    const [{ quarantined }] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM ops.quarantined_persons WHERE person_id = $1 AND started_at <= $2
         AND (ended_at IS NULL OR ended_at >= $2)) AS quarantined`,
      [p.personId, p.confirmedAt],
    );
    const week = weekStartOf(p.confirmedAt);
    const inserted = await m.query(
      `INSERT INTO ops.case_counts (case_id, area_code, week_start, community, confirmed_at, person_id) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (case_id) DO NOTHING RETURNING case_id`,
      [p.caseId, p.areaCode, week, !quarantined, p.confirmedAt, p.personId],
    );
    if (inserted.length === 0) return;
    if (!this.areas.get(p.areaCode))
      this.logger.warn({ msg: 'case in an area missing from AREAS_FILE', areaCode: p.areaCode, caseId: p.caseId });
    for (const code of this.areas.selfAndAncestors(p.areaCode))
      if (this.areas.get(code)) await this.assessor.reassess(code, week, e.meta);
  }

  async quarantineOrdered(e: EventEnvelope<'QuarantineOrdered'>): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO ops.quarantined_persons (person_id, quarantine_id, started_at, source_case_id) VALUES ($1,$2,$3,$4)
       ON CONFLICT (quarantine_id) DO UPDATE SET started_at = EXCLUDED.started_at, source_case_id = EXCLUDED.source_case_id`,
      [e.payload.personId, e.payload.quarantineId, e.payload.startsAt, e.payload.sourceCaseId],
    );
  }

  async quarantineEnded(e: EventEnvelope<'QuarantineEnded'>): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO ops.quarantined_persons (person_id, quarantine_id, started_at, ended_at) VALUES ($1,$2,$3,$3)
       ON CONFLICT (quarantine_id) DO UPDATE SET ended_at = EXCLUDED.ended_at`,
      [e.payload.personId, e.payload.quarantineId, e.payload.endedAt],
    );
  }

  async setCoverage(code: string, c: Coverage, by: string) {
    this.assessor.area(code);
    return this.tx.run(async (m) => {
      await m.query(
        `INSERT INTO ops.area_coverage (area_code, population, adults_one_dose_pct, over50_fully_vaccinated_pct, treatment_occupancy_pct, updated_by, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,now())
         ON CONFLICT (area_code) DO UPDATE SET population = COALESCE(EXCLUDED.population, ops.area_coverage.population),
           adults_one_dose_pct = EXCLUDED.adults_one_dose_pct, over50_fully_vaccinated_pct = EXCLUDED.over50_fully_vaccinated_pct,
           treatment_occupancy_pct = COALESCE(EXCLUDED.treatment_occupancy_pct, ops.area_coverage.treatment_occupancy_pct),
           updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [
          code,
          c.population ?? null,
          c.adultsOneDosePct,
          c.over50FullyVaccinatedPct,
          c.treatmentOccupancyPct ?? null,
          by,
        ],
      );
      await this.assessor.reassess(code, weekStartOf(this.clock.now()), null);
      return this.level(code);
    });
  }

  /** The area's level for the week of `at` (default now), with what it was computed from. */
  level(code: string, at?: string) {
    return this.assessor.level(code, at);
  }

  /** The level of every area `shown` keeps (the caller's scope). */
  async levels(at: string | undefined, shown: (code: string) => boolean) {
    const out = [];
    for (const a of this.areas.all()) if (shown(a.code)) out.push(await this.level(a.code, at));
    return out;
  }

  async weekly(code: string, weeks: number, until?: string) {
    const area = this.assessor.area(code);
    const last = weekStartOf(until ?? this.clock.now());
    const first = addWeeks(last, -(weeks - 1));
    const counts = await this.assessor.counts(code, addWeeks(first, -1), last);
    const starts = Array.from({ length: weeks }, (_, i) => addWeeks(first, i));
    // Isolations (care.v1) running at the end of each week, or now for the week not over yet.
    const now = this.clock.now();
    const ends = starts.map((w) => new Date(`${addWeeks(w, 1)}T00:00:00Z`).getTime() - VN_OFFSET_MS);
    const isolations = await this.care.isolationsAt(
      this.areas.withDescendants(code),
      ends.map((t) => new Date(Math.min(t, now.getTime()))),
    );
    const list = [];
    for (const [i, week] of starts.entries()) {
      const cur = counts.get(week) ?? { total: 0, community: 0 };
      const prev = counts.get(addWeeks(week, -1)) ?? { total: 0, community: 0 };
      list.push({
        weekStart: week,
        isoWeek: isoWeekLabel(week),
        count: cur.total,
        community: cur.community,
        previous: prev.total,
        changePct: changePct(cur.total, prev.total),
        text: phrase(cur.total, prev.total),
        isolations: isolations[i],
      });
    }
    return { areaCode: code, name: area.name, areaLevel: area.level, weeks: list };
  }

  listAreas() {
    return this.areas.all();
  }
}
