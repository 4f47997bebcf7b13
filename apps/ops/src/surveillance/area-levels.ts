import { createEvent, EpidemicLevel } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { AreaCatalog, ServiceClock, TransactionHost } from '@ct/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { OpsErrors } from '../errors';
import { assessLevel, LEVEL_COLOURS, LevelThresholds } from './domain/level';
import { weekStartOf } from './domain/weeks';
import { COMMUNITY } from './infrastructure/community.sql';

export const LEVEL_THRESHOLDS = Symbol('LEVEL_THRESHOLDS');

const SOURCE = '/ops';

/**
 * The Resolution 128 level of an area for a week, from its community cases (ops.case_counts), its
 * coverage (ops.area_coverage) and the thresholds; the last one published (ops.area_levels) and
 * EpidemicLevelChanged when an assessment changes it.
 */
@Injectable()
export class AreaLevels {
  private readonly logger = new Logger(AreaLevels.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    private readonly areas: AreaCatalog,
    @Inject(LEVEL_THRESHOLDS) private readonly thresholds: LevelThresholds,
    private readonly clock: ServiceClock,
  ) {}

  /** The area from AREAS_FILE; 404 when unknown. */
  area(code: string) {
    const a = this.areas.get(code);
    if (!a) throw OpsErrors.areaNotFound(code);
    return a;
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

  /** Cases (all, community) per week start, the area and the areas under it. */
  async counts(code: string, from: string, to: string): Promise<Map<string, { total: number; community: number }>> {
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

  async reassess(code: string, week: string, cause: { id: string; correlationId: string } | null): Promise<void> {
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
}
