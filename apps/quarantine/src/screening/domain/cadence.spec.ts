import { coverage, membersOf, roundsDue, yieldPer1000 } from './cadence';

describe('screening cadence', () => {
  it('every 7 days: rounds on the start day and each 7 days after, none after the end or in the future', () => {
    const every = { kind: 'EVERY_N_DAYS' as const, days: 7 };
    expect(roundsDue('2021-11-22', '2021-12-10', every, '2021-12-20')).toEqual([
      { round: 0, dueOn: '2021-11-22' },
      { round: 1, dueOn: '2021-11-29' },
      { round: 2, dueOn: '2021-12-06' },
    ]);
    expect(roundsDue('2021-11-22', '2021-12-10', every, '2021-11-30', 1)).toEqual([{ round: 1, dueOn: '2021-11-29' }]);
    expect(roundsDue('2021-11-22', '2021-12-10', every, '2021-11-21')).toEqual([]);
    expect(membersOf(3, every, 5)).toEqual([0, 1, 2]);
  });

  it('20 % a day: a daily round of ceil(20 %) of the group, in turn, covering everyone in 5 days', () => {
    const daily = { kind: 'DAILY_PERCENT' as const, percent: 20 };
    expect(roundsDue('2021-11-22', '2021-11-24', daily, '2021-12-01').map((r) => r.dueOn)).toEqual([
      '2021-11-22',
      '2021-11-23',
      '2021-11-24',
    ]);
    const seen = [0, 1, 2, 3, 4].flatMap((r) => membersOf(10, daily, r));
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(membersOf(7, daily, 0)).toEqual([0, 1]);
    expect(membersOf(7, daily, 3)).toEqual([6, 0]);
    expect(membersOf(0, daily, 0)).toEqual([]);
  });

  it('yield per 1,000 tests and coverage', () => {
    expect(yieldPer1000(3, 400)).toBe(7.5);
    expect(yieldPer1000(0, 0)).toBeNull();
    expect(coverage({ due: 4, tested: 3 })).toBe(0.75);
    expect(coverage({ due: 0, tested: 0 })).toBeNull();
  });
});
