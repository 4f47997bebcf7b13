import { createEvent, EpidemicLevel, EventEnvelope } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { AreaCatalog, TransactionHost, ServiceClock } from '@ct/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { COMMUNITY } from './infrastructure/community.sql';
import { assessLevel, LEVEL_COLOURS, LevelThresholds } from './domain/level';
import { addWeeks, changePct, isoWeekLabel, phrase, VN_OFFSET_MS, weekStartOf } from './domain/weeks';
import { OpsErrors } from '../errors';
import { CareFiguresStore } from '../care/care-figures.store';

export const LEVEL_THRESHOLDS = Symbol('LEVEL_THRESHOLDS');

export interface Coverage {
  population?: number | null;
  adultsOneDosePct: number;
  over50FullyVaccinatedPct: number;
  treatmentOccupancyPct?: number | null;
}

const SOURCE = '/ops';

/**
 * The surveillance read model, fed by cases.v1 and quarantine.v1: cases per area per local ISO
 * week (community or not), vaccination coverage, and the Resolution 128 level of each area.
 */
@Injectable()
export class SurveillanceService {
  private readonly logger = new Logger(SurveillanceService.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    private readonly areas: AreaCatalog,
    @Inject(LEVEL_THRESHOLDS) private readonly thresholds: LevelThresholds,
    private readonly clock: ServiceClock,
    private readonly care: CareFiguresStore,
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
      if (this.areas.get(code)) await this.reassess(code, week, e.meta);
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

  private area(code: string) {
    const a = this.areas.get(code);
    if (!a) throw OpsErrors.areaNotFound(code);
    return a;
  }

  async setCoverage(code: string, c: Coverage, by: string) {
    this.area(code);
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
      await this.reassess(code, weekStartOf(this.clock.now()), null);
      return this.level(code);
    });
  }

  private async coverageOf(code: string) {
    const [row] = await this.tx.manager.query('SELECT * FROM ops.area_coverage WHERE area_code = $1', [code]);
    return row
      ? {
          population: row.population as number | null,
          adultsOneDosePct: Number(row.adults_one_dose_pct),
          over50FullyVaccinatedPct: Number(row.over50_fully_vaccinated_pct),
          treatmentOccupancyPct: row.treatment_occupancy_pct === null ? null : Number(row.treatment_occupancy_pct),
          updatedAt: new Date(row.updated_at).toISOString(),
        }
      : null;
  }

  private async counts(
    code: string,
    from: string,
    to: string,
  ): Promise<Map<string, { total: number; community: number }>> {
    const rows = await this.tx.manager.query(
      `SELECT week_start::text AS week, count(*)::int AS total, count(*) FILTER (WHERE ${COMMUNITY})::int AS community
       FROM ops.case_counts c WHERE area_code = ANY($1::text[]) AND week_start BETWEEN $2 AND $3 GROUP BY week_start`,
      [this.areas.withDescendants(code), from, to],
    );
    return new Map(rows.map((r: any) => [r.week, { total: r.total, community: r.community }]));
  }

  /** Computes the area's level for `week`; stores it and emits EpidemicLevelChanged when it changed. */
  private async compute(code: string, week: string) {
    const area = this.area(code);
    const coverage = await this.coverageOf(code);
    const population = coverage?.population ?? area.population;
    const community = (await this.counts(code, week, week)).get(week)?.community ?? 0;
    const casesPer100k = population > 0 ? (community / population) * 100_000 : 0;
    const a = assessLevel(
      { casesPer100k, coverage, treatmentOccupancyPct: coverage?.treatmentOccupancyPct ?? null },
      this.thresholds,
    );
    return { area, population, coverage, community, casesPer100k: Math.round(casesPer100k * 100) / 100, ...a };
  }

  private async reassess(
    code: string,
    week: string,
    cause: { id: string; correlationId: string } | null,
  ): Promise<void> {
    const c = await this.compute(code, week);
    const [prev] = await this.tx.manager.query(
      'SELECT level, week_start::text AS week FROM ops.area_levels WHERE area_code = $1 FOR UPDATE',
      [code],
    );
    // A late event for an older week does not overwrite a newer assessment.
    if (prev && prev.week > week) return;
    const now = this.clock.now().toISOString();
    await this.tx.manager.query(
      `INSERT INTO ops.area_levels (area_code, level, week_start, cases_per_100k, reasons, assessed_at) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (area_code) DO UPDATE SET level = $2, week_start = $3, cases_per_100k = $4, reasons = $5, assessed_at = $6`,
      [code, c.level, week, c.casesPer100k, JSON.stringify(c.reasons), now],
    );
    if (prev?.level === c.level) return;
    await this.outbox.add(
      createEvent(
        'EpidemicLevelChanged',
        {
          areaCode: code,
          previousLevel: (prev?.level ?? null) as EpidemicLevel | null,
          level: c.level,
          weekStart: week,
          casesPer100k: c.casesPer100k,
          changedAt: now,
        },
        { source: SOURCE, correlationId: cause?.correlationId, causationId: cause?.id },
      ),
    );
    this.logger.log({
      msg: 'epidemic level changed',
      areaCode: code,
      previousLevel: prev?.level ?? null,
      level: c.level,
      weekStart: week,
    });
  }

  async level(code: string, at?: string) {
    const week = weekStartOf(at ?? this.clock.now());
    const c = await this.compute(code, week);
    const [stored] = await this.tx.manager.query(
      'SELECT level, week_start::text AS week, assessed_at FROM ops.area_levels WHERE area_code = $1',
      [code],
    );
    return {
      areaCode: code,
      name: c.area.name,
      areaLevel: c.area.level,
      weekStart: week,
      level: c.level,
      colour: LEVEL_COLOURS[c.level],
      baseLevel: c.baseLevel,
      casesPer100k: c.casesPer100k,
      communityCases: c.community,
      population: c.population,
      coverage: c.coverage,
      reasons: c.reasons,
      factors: c.factors,
      lastPublished: stored
        ? { level: stored.level, weekStart: stored.week, assessedAt: new Date(stored.assessed_at).toISOString() }
        : null,
    };
  }

  /** The level of every area `shown` keeps (the caller's scope). */
  async levels(at: string | undefined, shown: (code: string) => boolean) {
    const out = [];
    for (const a of this.areas.all()) if (shown(a.code)) out.push(await this.level(a.code, at));
    return out;
  }

  async weekly(code: string, weeks: number, until?: string) {
    const area = this.area(code);
    const last = weekStartOf(until ?? this.clock.now());
    const first = addWeeks(last, -(weeks - 1));
    const counts = await this.counts(code, addWeeks(first, -1), last);
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
