import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QuarantinePolicy } from '../../quarantines/domain/policy';
import { appliedRule, KnownLevel, nearestLevel } from './level-rules';
import { parseLevelRules } from './level-rules.parse';

const base: QuarantinePolicy = {
  utcOffsetMinutes: 420,
  unvaccinated: { days: 14, testDays: [1, 7, 14] },
  protected: { days: 7, testDays: [1, 7] },
  fullDoses: 2,
  doseMinDays: 14,
  doseMaxMonths: 6,
  recoveredMonths: 6,
  f2WatchDays: 14,
  retestAfterDays: 1,
};
const file = () => JSON.parse(readFileSync(join(__dirname, '../../../../../data/policy/levels.json'), 'utf8'));
const at = (areaCode: string, level: 1 | 2 | 3 | 4): KnownLevel => ({
  areaCode,
  level,
  source: 'ASSESSED',
  changedAt: '2021-11-22T00:00:00.000Z',
});

describe('rules by epidemic level (data/policy/levels.json)', () => {
  const rules = parseLevelRules(file());

  it('the shipped file: 14 days for the not fully vaccinated at level 4, 7 at level 1; arrivals by origin level', () => {
    expect(appliedRule(rules, base, at('49', 4)).policy.unvaccinated).toEqual({ days: 14, testDays: [1, 7, 14] });
    expect(appliedRule(rules, base, at('49', 1)).policy.unvaccinated).toEqual({ days: 7, testDays: [1, 7] });
    expect(rules.arrivals[4]).toEqual({ action: 'QUARANTINE' });
    expect(rules.arrivals[3]).toEqual({ action: 'FOLLOW_UP', days: 7, testDays: [1, 7] });
    expect(rules.arrivals[1]).toEqual({ action: 'NONE' });
  });

  it('no level known: the base settings, named DEFAULT', () => {
    const r = appliedRule(rules, base, null);
    expect(r.policy).toBe(base);
    expect(r.name).toMatch(/^DEFAULT/);
  });

  it('an area override replaces only the fields it names, for its level only', () => {
    const f = file();
    f.areas = { '503': { '4': { homeQuarantine: false, f2: { watch: false, days: 7 } } } };
    const r = parseLevelRules(f);
    const hoiAn = appliedRule(r, base, at('503', 4)).policy;
    expect(hoiAn).toMatchObject({ homeQuarantine: false, f2Watch: false, f2WatchDays: 7 });
    expect(hoiAn.unvaccinated).toEqual({ days: 14, testDays: [1, 7, 14] });
    expect(appliedRule(r, base, at('502', 4)).policy).toMatchObject({ homeQuarantine: true, f2Watch: true });
    expect(appliedRule(r, base, at('503', 3)).policy).toMatchObject({ homeQuarantine: true });
  });

  it('the nearest area with a known level decides', () => {
    const known = new Map([
      ['49', at('49', 2)],
      ['502', at('502', 4)],
    ]);
    expect(nearestLevel(['20290', '502', '49'], known)?.areaCode).toBe('502');
    expect(nearestLevel(['20335', '503', '49'], known)?.areaCode).toBe('49');
    expect(nearestLevel(['x'], known)).toBeNull();
  });

  it('a bad file names every problem with its path', () => {
    const f = file();
    f.levels['4'].unvaccinated.days = 0;
    f.levels['2'].f2 = { watch: 'yes' };
    f.arrivals['3'] = { action: 'HIDE' };
    f.areas = { '49': { '7': {} } };
    const problems = (() => {
      try {
        parseLevelRules(f);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    for (const p of [
      'levels.4.unvaccinated.days must be an integer 1..366',
      'levels.2.f2 must be {watch: boolean, days}',
      'arrivals.3.action must be one of QUARANTINE, FOLLOW_UP, NONE',
      'areas.49.7 is not a level 1..4',
    ])
      expect(problems).toContain(p);
    expect(() => parseLevelRules([])).toThrow(/must hold a JSON object/);
  });
});
