import type { LevelFactor } from '../../surveillance/domain/level';
import type { Lang } from './format';

/** One area's page of the weekly report: figures only, no personal data (venue ids are places). */
export interface WeeklyReportPage {
  area: { code: string; name: string; level: string };
  weekStart: string;
  weekEnd: string;
  isoWeek: string;
  population: number;
  cases: { total: number; previous: number; changePct: number | null; community: number; quarantined: number };
  /** The 8 weeks ending with the report's week, oldest first. */
  curve: { weekStart: string; isoWeek: string; total: number; community: number }[];
  level: { level: number; casesPer100k: number; factors: LevelFactor[] };
  coverage: { adultsOneDosePct: number; over50FullyVaccinatedPct: number; updatedAt: string } | null;
  /** Quarantine orders (F1, F2) running at the end of the week, for contacts of the area's cases. */
  quarantinesActive: number;
  /**
   * Cases (F0) isolated at the end of the week (care.v1, the weekly figures' `isolations`): at home,
   * in a treatment facility, waiting for a bed; and the free beds of the area's treatment facilities
   * then (FacilityBedsChanged, each facility's latest figures at the week's end).
   */
  isolationsActive: { atHome: number; inFacilities: number; waitingForBed: number; bedsFree: number };
  newClusters: { count: number; largest: { size: number; firstConfirmedAt: string }[] };
  newExposureSites: { count: number; venues: { venueId: string; firstExposureAt: string }[] };
}

export interface WeeklyReport {
  lang: Lang;
  generatedAt: string;
  pages: WeeklyReportPage[];
}

/** Most clusters and sites listed by name on a page (the counts are always whole). */
export const LISTED_MAX = 5;
