import type { QuarantinePolicy, Regimen } from '../../quarantines/domain/policy';

/**
 * Rules by epidemic level (issue 18) as data (data/policy/levels.json): the quarantine and testing
 * policy of each level, per-area overrides, and what an arrival from an area of each level gets.
 * Pure: the file is read and checked once at boot (parseLevelRules), the level comes from the store.
 */
export type Level = 1 | 2 | 3 | 4;
export const LEVELS: readonly Level[] = [1, 2, 3, 4];

export interface LevelRule {
  unvaccinated: Regimen;
  protected: Regimen;
  /** false: nobody quarantines at home at this level (centralized only). */
  homeQuarantine: boolean;
  f2: { watch: boolean; days: number };
}

export type ArrivalAction = 'QUARANTINE' | 'FOLLOW_UP' | 'NONE';
export const ARRIVAL_ACTIONS: readonly ArrivalAction[] = ['QUARANTINE', 'FOLLOW_UP', 'NONE'];

export interface ArrivalRule {
  action: ArrivalAction;
  /** FOLLOW_UP: its length and test days (a QUARANTINE uses the destination's F1 rule). */
  days?: number;
  testDays?: number[];
}

export interface LevelRules {
  levels: Record<Level, LevelRule>;
  /** Per area code, per level: fields replacing the level's. */
  areas: Record<string, Partial<Record<Level, Partial<LevelRule>>>>;
  arrivals: Record<Level, ArrivalRule>;
}

/** The level an area is under and where it came from (null: no level known for it or above it). */
export interface KnownLevel {
  areaCode: string;
  level: Level;
  source: 'ASSESSED' | 'DECLARED';
  changedAt: string;
}

/** The rule applied to an order: its name (kept in the order's history) and the policy it gives. */
export interface AppliedRule {
  name: string;
  level: Level | null;
  areaCode: string | null;
  source: KnownLevel['source'] | null;
  /** When the level was set (null: DEFAULT). */
  changedAt: string | null;
  policy: QuarantinePolicy;
}

export function ruleName(level: KnownLevel | null, rule: Pick<QuarantinePolicy, 'unvaccinated' | 'protected'>) {
  const r = (x: Regimen) => `${x.days} days, tests ${x.testDays.join(',') || 'none'}`;
  const head = level
    ? `level ${level.level} (${level.source}, area ${level.areaCode} since ${level.changedAt})`
    : 'DEFAULT (no level known)';
  return `${head}: not fully vaccinated ${r(rule.unvaccinated)}; protected ${r(rule.protected)}`;
}

/** The policy of `level` in the area whose nearest known level it is, over the base settings. */
export function appliedRule(rules: LevelRules, base: QuarantinePolicy, level: KnownLevel | null): AppliedRule {
  if (!level)
    return { name: ruleName(null, base), level: null, areaCode: null, source: null, changedAt: null, policy: base };
  const r = { ...rules.levels[level.level], ...(rules.areas[level.areaCode]?.[level.level] ?? {}) };
  const policy: QuarantinePolicy = {
    ...base,
    unvaccinated: r.unvaccinated,
    protected: r.protected,
    f2WatchDays: r.f2.days,
    homeQuarantine: r.homeQuarantine,
    f2Watch: r.f2.watch,
  };
  const { areaCode, source, changedAt } = level;
  return { name: ruleName(level, policy), level: level.level, areaCode, source, changedAt, policy };
}

/** The nearest of `chain` (an area, then the areas above it) with a known level. */
export function nearestLevel(chain: string[], known: ReadonlyMap<string, KnownLevel>): KnownLevel | null {
  for (const code of chain) {
    const k = known.get(code);
    if (k) return k;
  }
  return null;
}
