import { AreaCatalog, ServiceClock } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { SurveillanceService } from '../../surveillance/surveillance.service';
import { addWeeks, isoWeekLabel } from '../../surveillance/domain/weeks';
import { newClusters } from '../domain/clusters';
import { Lang } from '../domain/format';
import { LISTED_MAX, WeeklyReport, WeeklyReportPage } from '../domain/report-model';
import { weekEnd } from '../domain/report-week';
import { WeeklyReportStore } from '../infrastructure/weekly-report.store';

/** Weeks of the epidemic curve, and of look-back for clusters. */
export const CURVE_WEEKS = 8;

/** Monday 00:00 local time (UTC+7) of a week, as an instant. */
function localMidnight(date: string): Date {
  return new Date(`${date}T00:00:00+07:00`);
}

/** Assembles the weekly report's figures for each area (one page each); renderers word and draw them. */
@Injectable()
export class WeeklyReportService {
  constructor(
    private readonly surveillance: SurveillanceService,
    private readonly store: WeeklyReportStore,
    private readonly areas: AreaCatalog,
    private readonly clock: ServiceClock,
  ) {}

  knows(code: string): boolean {
    return this.areas.has(code);
  }

  async build(codes: string[], week: string, lang: Lang): Promise<WeeklyReport> {
    const pages: WeeklyReportPage[] = [];
    for (const code of codes) pages.push(await this.page(code, week));
    return { lang, generatedAt: this.clock.now().toISOString(), pages };
  }

  private async page(code: string, week: string): Promise<WeeklyReportPage> {
    const inWeek = `${week}T05:00:00Z`;
    const weekly = await this.surveillance.weekly(code, CURVE_WEEKS, inWeek);
    const level = await this.surveillance.level(code, inWeek);
    const area = this.areas.get(code)!;
    const codes = this.areas.withDescendants(code);
    const from = localMidnight(week);
    const to = localMidnight(addWeeks(week, 1));
    const now = this.clock.now();
    const cur = weekly.weeks[weekly.weeks.length - 1];

    const lookBack = localMidnight(addWeeks(week, -CURVE_WEEKS));
    const { cases, links } = await this.store.clusterInputs(codes, lookBack, to);
    const clusters = newClusters(cases, links, from.getTime(), to.getTime());
    const sites = await this.store.newExposureSites(codes, from, to);
    const quarantinesActive = await this.store.quarantinesActive(codes, to < now ? to : now);

    return {
      area: { code, name: area.name, level: area.level },
      weekStart: week,
      weekEnd: weekEnd(week),
      isoWeek: isoWeekLabel(week),
      population: level.population,
      cases: {
        total: cur.count,
        previous: cur.previous,
        changePct: cur.changePct,
        community: cur.community,
        quarantined: cur.count - cur.community,
      },
      curve: weekly.weeks.map((w) => ({
        weekStart: w.weekStart,
        isoWeek: w.isoWeek,
        total: w.count,
        community: w.community,
      })),
      level: { level: level.level, casesPer100k: level.casesPer100k, factors: level.factors },
      coverage: level.coverage
        ? {
            adultsOneDosePct: level.coverage.adultsOneDosePct,
            over50FullyVaccinatedPct: level.coverage.over50FullyVaccinatedPct,
            updatedAt: level.coverage.updatedAt,
          }
        : null,
      quarantinesActive,
      isolationsActive: cur.isolations,
      newClusters: {
        count: clusters.length,
        largest: clusters.slice(0, LISTED_MAX).map((c) => ({
          size: c.size,
          firstConfirmedAt: new Date(c.firstConfirmedAt).toISOString(),
        })),
      },
      newExposureSites: {
        count: sites.length,
        venues: sites
          .slice(0, LISTED_MAX)
          .map((s) => ({ venueId: s.venueId, firstExposureAt: s.firstExposureAt.toISOString() })),
      },
    };
  }
}
