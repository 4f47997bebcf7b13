import type { EpidemicLevel } from '@ct/contracts';

/**
 * Resolution 128 (October 2021) criteria as data: every province chose its own numbers, so the
 * service reads them from configuration (LEVEL_THRESHOLDS_FILE) and this is only the default,
 * the Ministry of Health's first guideline (Decision 4800/QĐ-BYT).
 */
export interface LevelThresholds {
  /** Lower bounds of new community cases per 100,000 per week for levels 2, 3 and 4 (ascending). */
  casesPer100k: [number, number, number];
  /** Coverage below either figure raises the level by one step. */
  coverage: { adultsOneDosePct: number; over50FullyVaccinatedPct: number };
  /** Treatment beds occupied above this share means capacity is exceeded: the level rises by one step. */
  treatment: { maxOccupancyPct: number };
}

export const DEFAULT_THRESHOLDS: LevelThresholds = {
  casesPer100k: [20, 50, 150],
  coverage: { adultsOneDosePct: 70, over50FullyVaccinatedPct: 80 },
  treatment: { maxOccupancyPct: 80 },
};

export interface LevelInput {
  casesPer100k: number;
  /** null: no coverage figures recorded for the area (no adjustment, said in the reasons). */
  coverage: { adultsOneDosePct: number; over50FullyVaccinatedPct: number } | null;
  /** Share of treatment beds in use; null when unknown (no adjustment). */
  treatmentOccupancyPct: number | null;
}

/** One reason for the level, as data: the weekly report words it in Vietnamese or English. */
export type LevelFactor =
  | { kind: 'case_rate'; casesPer100k: number; level: EpidemicLevel }
  | { kind: 'coverage_unknown' }
  | {
      kind: 'coverage_low';
      adultsOneDose?: { pct: number; min: number };
      over50FullyVaccinated?: { pct: number; min: number };
    }
  | { kind: 'treatment_exceeded'; occupancyPct: number; maxPct: number };

export interface LevelAssessment {
  level: EpidemicLevel;
  /** The level the case rate alone gives, before the coverage and capacity steps. */
  baseLevel: EpidemicLevel;
  /** The reasons in English, one line each (factors, as data, say the same). */
  reasons: string[];
  factors: LevelFactor[];
}

export const LEVEL_COLOURS: Record<EpidemicLevel, string> = { 1: 'green', 2: 'yellow', 3: 'orange', 4: 'red' };

export function validateThresholds(t: LevelThresholds): string[] {
  const problems: string[] = [];
  const c = t?.casesPer100k;
  if (!Array.isArray(c) || c.length !== 3 || c.some((n) => typeof n !== 'number' || !(n >= 0)))
    problems.push('casesPer100k must be three non-negative numbers');
  else if (!(c[0] < c[1] && c[1] < c[2])) problems.push('casesPer100k must be ascending');
  for (const k of ['adultsOneDosePct', 'over50FullyVaccinatedPct'] as const) {
    const v = t?.coverage?.[k];
    if (typeof v !== 'number' || v < 0 || v > 100) problems.push(`coverage.${k} must be a percentage`);
  }
  const o = t?.treatment?.maxOccupancyPct;
  if (typeof o !== 'number' || o < 0 || o > 100) problems.push('treatment.maxOccupancyPct must be a percentage');
  return problems;
}

/** The epidemic level of one area for one week. Pure: thresholds come in as data. */
export function assessLevel(input: LevelInput, t: LevelThresholds = DEFAULT_THRESHOLDS): LevelAssessment {
  const [l2, l3, l4] = t.casesPer100k;
  const rate = input.casesPer100k;
  const base: EpidemicLevel = rate >= l4 ? 4 : rate >= l3 ? 3 : rate >= l2 ? 2 : 1;
  const reasons = [`${round(rate)} new community cases per 100,000 this week → level ${base}`];
  const factors: LevelFactor[] = [{ kind: 'case_rate', casesPer100k: round(rate), level: base }];
  let level: number = base;
  if (input.coverage === null) {
    reasons.push('vaccination coverage unknown: no adjustment');
    factors.push({ kind: 'coverage_unknown' });
  } else {
    const low: string[] = [];
    const factor: LevelFactor = { kind: 'coverage_low' };
    const { adultsOneDosePct: adults, over50FullyVaccinatedPct: over50 } = input.coverage;
    if (adults < t.coverage.adultsOneDosePct) {
      low.push(`adults with one dose ${adults}% < ${t.coverage.adultsOneDosePct}%`);
      factor.adultsOneDose = { pct: adults, min: t.coverage.adultsOneDosePct };
    }
    if (over50 < t.coverage.over50FullyVaccinatedPct) {
      low.push(`over-50s fully vaccinated ${over50}% < ${t.coverage.over50FullyVaccinatedPct}%`);
      factor.over50FullyVaccinated = { pct: over50, min: t.coverage.over50FullyVaccinatedPct };
    }
    if (low.length) {
      level++;
      reasons.push(`coverage too low (${low.join('; ')}): one step up`);
      factors.push(factor);
    }
  }
  const occupancy = input.treatmentOccupancyPct;
  if (occupancy !== null && occupancy > t.treatment.maxOccupancyPct) {
    level++;
    reasons.push(`treatment beds ${occupancy}% occupied > ${t.treatment.maxOccupancyPct}%: one step up`);
    factors.push({ kind: 'treatment_exceeded', occupancyPct: occupancy, maxPct: t.treatment.maxOccupancyPct });
  }
  return { level: Math.min(4, level) as EpidemicLevel, baseLevel: base, reasons, factors };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
