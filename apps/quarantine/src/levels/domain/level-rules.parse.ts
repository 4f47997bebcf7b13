import { ARRIVAL_ACTIONS, ArrivalRule, Level, LevelRule, LevelRules, LEVELS } from './level-rules';
import type { Regimen } from '../../quarantines/domain/policy';

/** Checks a parsed levels file; every problem is named with its path (start-up stops on any). */
export function parseLevelRules(raw: unknown): LevelRules {
  const problems: string[] = [];
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const days = (v: unknown, path: string, min = 1): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 366)
      problems.push(`${path} must be an integer ${min}..366`);
    return v as number;
  };
  const dayList = (v: unknown, path: string): number[] => {
    if (!Array.isArray(v)) {
      problems.push(`${path} must be a list of days`);
      return [];
    }
    v.forEach((d, i) => days(d, `${path}[${i}]`, 0));
    return [...new Set(v as number[])].sort((a, b) => a - b);
  };
  const regimen = (v: unknown, path: string): Regimen => {
    if (!obj(v)) {
      problems.push(`${path} must be an object {days, testDays}`);
      return { days: 0, testDays: [] };
    }
    return { days: days(v.days, `${path}.days`), testDays: dayList(v.testDays, `${path}.testDays`) };
  };
  const rule = (v: unknown, path: string, partial: boolean): Partial<LevelRule> => {
    const out: Partial<LevelRule> = {};
    if (!obj(v)) {
      problems.push(`${path} must be an object`);
      return out;
    }
    for (const k of Object.keys(v))
      if (!['unvaccinated', 'protected', 'homeQuarantine', 'f2'].includes(k)) problems.push(`${path}.${k} is unknown`);
    const need = (k: string) => !partial || v[k] !== undefined;
    if (need('unvaccinated')) out.unvaccinated = regimen(v.unvaccinated, `${path}.unvaccinated`);
    if (need('protected')) out.protected = regimen(v.protected, `${path}.protected`);
    if (need('homeQuarantine')) {
      if (typeof v.homeQuarantine !== 'boolean') problems.push(`${path}.homeQuarantine must be true or false`);
      out.homeQuarantine = v.homeQuarantine as boolean;
    }
    if (need('f2')) {
      const f2 = v.f2;
      if (!obj(f2) || typeof f2.watch !== 'boolean') problems.push(`${path}.f2 must be {watch: boolean, days}`);
      else out.f2 = { watch: f2.watch, days: days(f2.days, `${path}.f2.days`) };
    }
    return out;
  };
  const arrival = (v: unknown, path: string): ArrivalRule => {
    if (!obj(v) || !ARRIVAL_ACTIONS.includes(v.action as never)) {
      problems.push(`${path}.action must be one of ${ARRIVAL_ACTIONS.join(', ')}`);
      return { action: 'NONE' };
    }
    if (v.action !== 'FOLLOW_UP') return { action: v.action as ArrivalRule['action'] };
    return {
      action: 'FOLLOW_UP',
      days: days(v.days, `${path}.days`),
      testDays: dayList(v.testDays, `${path}.testDays`),
    };
  };
  if (!obj(raw)) throw new Error('QUARANTINE_LEVEL_RULES_FILE must hold a JSON object');
  const levels = {} as Record<Level, LevelRule>;
  const arrivals = {} as Record<Level, ArrivalRule>;
  const areas: LevelRules['areas'] = {};
  for (const l of LEVELS) {
    levels[l] = rule(obj(raw.levels) ? raw.levels[l] : undefined, `levels.${l}`, false) as LevelRule;
    arrivals[l] = arrival(obj(raw.arrivals) ? raw.arrivals[l] : undefined, `arrivals.${l}`);
  }
  if (raw.areas !== undefined && !obj(raw.areas)) problems.push('areas must be an object {areaCode: {level: rule}}');
  for (const [code, byLevel] of Object.entries(obj(raw.areas) ? raw.areas : {})) {
    if (!obj(byLevel)) {
      problems.push(`areas.${code} must be an object {level: rule}`);
      continue;
    }
    areas[code] = {};
    for (const [k, v] of Object.entries(byLevel)) {
      const l = Number(k) as Level;
      if (!LEVELS.includes(l)) problems.push(`areas.${code}.${k} is not a level 1..4`);
      else areas[code][l] = rule(v, `areas.${code}.${k}`, true);
    }
  }
  if (problems.length) throw new Error(`QUARANTINE_LEVEL_RULES_FILE: ${problems.join('; ')}`);
  return { levels, areas, arrivals };
}
