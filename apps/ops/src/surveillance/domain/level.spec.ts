import { assessLevel, DEFAULT_THRESHOLDS, LevelThresholds, validateThresholds } from './level';

const good = { adultsOneDosePct: 95, over50FullyVaccinatedPct: 90 };

describe('assessLevel (Resolution 128, thresholds as data)', () => {
  // [cases per 100k, expected level] with the default guideline thresholds 20 / 50 / 150.
  const table: [number, number][] = [
    [0, 1],
    [19.9, 1],
    [20, 2],
    [49.99, 2],
    [50, 3],
    [149, 3],
    [150, 4],
    [1000, 4],
  ];
  it.each(table)('%p cases per 100,000 with good coverage → level %p', (rate, level) => {
    expect(assessLevel({ casesPer100k: rate, coverage: good, treatmentOccupancyPct: 10 }).level).toBe(level);
  });

  it('raises the level one step when either coverage figure is too low, and caps at 4', () => {
    expect(
      assessLevel({
        casesPer100k: 10,
        coverage: { adultsOneDosePct: 60, over50FullyVaccinatedPct: 90 },
        treatmentOccupancyPct: null,
      }),
    ).toMatchObject({
      level: 2,
      baseLevel: 1,
      factors: [
        { kind: 'case_rate', casesPer100k: 10, level: 1 },
        { kind: 'coverage_low', adultsOneDose: { pct: 60, min: 70 } },
      ],
    });
    expect(
      assessLevel({
        casesPer100k: 10,
        coverage: { adultsOneDosePct: 60, over50FullyVaccinatedPct: 10 },
        treatmentOccupancyPct: null,
      }).level,
    ).toBe(2);
    expect(
      assessLevel({
        casesPer100k: 200,
        coverage: { adultsOneDosePct: 1, over50FullyVaccinatedPct: 1 },
        treatmentOccupancyPct: 99,
      }).level,
    ).toBe(4);
  });

  it('raises the level when treatment capacity is exceeded', () => {
    const a = assessLevel({ casesPer100k: 30, coverage: good, treatmentOccupancyPct: 85 });
    expect(a).toMatchObject({ level: 3, baseLevel: 2 });
    expect(a.reasons.join(' ')).toMatch(/treatment beds 85% occupied/);
    expect(a.factors).toEqual([
      { kind: 'case_rate', casesPer100k: 30, level: 2 },
      { kind: 'treatment_exceeded', occupancyPct: 85, maxPct: 80 },
    ]);
  });

  it('makes no coverage adjustment when coverage is unknown', () => {
    const a = assessLevel({ casesPer100k: 25, coverage: null, treatmentOccupancyPct: null });
    expect(a.level).toBe(2);
    expect(a.reasons.join(' ')).toMatch(/coverage unknown/);
    expect(a.factors.map((f) => f.kind)).toEqual(['case_rate', 'coverage_unknown']);
  });

  it('follows other thresholds given as data', () => {
    const strict: LevelThresholds = {
      casesPer100k: [1, 5, 10],
      coverage: { adultsOneDosePct: 99, over50FullyVaccinatedPct: 99 },
      treatment: { maxOccupancyPct: 50 },
    };
    expect(
      assessLevel(
        {
          casesPer100k: 6,
          coverage: { adultsOneDosePct: 100, over50FullyVaccinatedPct: 100 },
          treatmentOccupancyPct: 0,
        },
        strict,
      ).level,
    ).toBe(3);
    expect(assessLevel({ casesPer100k: 6, coverage: good, treatmentOccupancyPct: 0 }, strict).level).toBe(4);
    expect(assessLevel({ casesPer100k: 6, coverage: good, treatmentOccupancyPct: 0 }, DEFAULT_THRESHOLDS).level).toBe(
      1,
    );
  });

  it('validates thresholds', () => {
    expect(validateThresholds(DEFAULT_THRESHOLDS)).toEqual([]);
    expect(validateThresholds({ ...DEFAULT_THRESHOLDS, casesPer100k: [50, 20, 150] })).toEqual([
      'casesPer100k must be ascending',
    ]);
    expect(
      validateThresholds({ ...DEFAULT_THRESHOLDS, coverage: { adultsOneDosePct: 120, over50FullyVaccinatedPct: 1 } }),
    ).toHaveLength(1);
  });
});
