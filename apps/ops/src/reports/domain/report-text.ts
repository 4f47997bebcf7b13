import { formatDate, formatLocalDateTime, formatNumber, formatPercent, Lang } from './format';
import { REPORT_LABELS } from './labels';
import { WeeklyReportPage } from './report-model';
import { factorText, levelName, weeklyCasesPhrase } from './wording';

export interface TextSection {
  heading: string;
  /** Lines as written; the first may be the section's headline. */
  lines: string[];
}

/** Everything a page says, worded, in reading order; the HTML and PDF renderers only lay it out. */
export interface PageText {
  title: string;
  week: string;
  area: string;
  headline: string;
  level: number;
  sections: {
    cases: TextSection;
    level: TextSection;
    coverage: TextSection;
    containment: TextSection;
    clusters: TextSection;
  };
  curve: { heading: string; legend: [string, string]; bars: { label: string; total: number; community: number }[] };
  footer: string;
}

export function pageText(p: WeeklyReportPage, lang: Lang, generatedAt: string): PageText {
  const l = REPORT_LABELS[lang];
  const n = (x: number) => formatNumber(x, lang);
  const pct = (x: number) => formatPercent(x, lang, Number.isInteger(x) ? 0 : 1);
  const date = (iso: string) => formatLocalDateTime(iso).slice(0, 10);
  const clusters = p.newClusters;
  const sites = p.newExposureSites;
  const iso = p.isolationsActive;
  const more = (count: number, listed: number) => (count > listed ? [l.more(n(count - listed))] : []);
  return {
    title: l.title,
    week: l.week(p.isoWeek, p.weekStart, p.weekEnd),
    area: l.areaLine(p.area.name, p.area.code, n(p.population)),
    headline: weeklyCasesPhrase(p.cases.total, p.cases.previous, lang),
    level: p.level.level,
    sections: {
      cases: {
        heading: l.cases,
        lines: [`${l.community}: ${n(p.cases.community)}`, `${l.quarantined}: ${n(p.cases.quarantined)}`],
      },
      level: {
        heading: l.level,
        lines: [levelName(p.level.level, lang), ...p.level.factors.map((f) => factorText(f, lang))],
      },
      coverage: {
        heading: l.coverage,
        lines: p.coverage
          ? [
              `${l.adultsOneDose}: ${pct(p.coverage.adultsOneDosePct)}`,
              `${l.over50Full}: ${pct(p.coverage.over50FullyVaccinatedPct)}`,
              `(${l.updated(p.coverage.updatedAt)})`,
            ]
          : [l.coverageUnknown],
      },
      containment: {
        heading: l.containment,
        lines: [
          `${l.quarantinesActive}: ${n(p.quarantinesActive)}`,
          `${l.isolationsActive}: ${n(iso.atHome + iso.inFacilities + iso.waitingForBed)}`,
          `– ${l.isolatedAtHome}: ${n(iso.atHome)}`,
          `– ${l.isolatedInFacilities}: ${n(iso.inFacilities)}`,
          `– ${l.waitingForBed}: ${n(iso.waitingForBed)}`,
          `${l.bedsFree}: ${n(iso.bedsFree)}`,
        ],
      },
      clusters: {
        heading: l.clustersAndSites,
        lines: [
          `${l.newClusters}: ${n(clusters.count)}`,
          ...clusters.largest.map((c) => `– ${l.cluster(n(c.size), date(c.firstConfirmedAt))}`),
          ...more(clusters.count, clusters.largest.length),
          `${l.newSites}: ${n(sites.count)}`,
          ...sites.venues.map((s) => `– ${l.site(s.venueId, date(s.firstExposureAt))}`),
          ...more(sites.count, sites.venues.length),
        ],
      },
    },
    curve: {
      heading: l.curve,
      legend: [l.legendCommunity, l.legendQuarantined],
      bars: p.curve.map((w) => ({
        label: formatDate(w.weekStart).slice(0, 5),
        total: w.total,
        community: w.community,
      })),
    },
    footer: l.footer(formatLocalDateTime(generatedAt)),
  };
}
