import { reportWeek, weekEnd } from './report-week';

describe('reportWeek', () => {
  const now = new Date('2021-11-24T03:00:00Z'); // Wednesday of the week of 22/11/2021

  it('defaults to the last complete week', () => {
    expect(reportWeek(undefined, now)).toBe('2021-11-15');
  });

  it('takes a date in the week or an ISO week', () => {
    expect(reportWeek('2021-11-17', now)).toBe('2021-11-15');
    expect(reportWeek('2021-11-21', now)).toBe('2021-11-15'); // Sunday
    expect(reportWeek('2021-W46', now)).toBe('2021-11-15');
    expect(reportWeek('2021-W01', now)).toBe('2021-01-04');
    expect(reportWeek('2020-W53', now)).toBe('2020-12-28');
    expect(weekEnd('2021-11-15')).toBe('2021-11-21');
  });

  it('refuses anything else', () => {
    for (const bad of ['2021-02-30', '2021-W54', '2021-W00', '2021-W53', '15/11/2021', 'last'])
      expect(reportWeek(bad, now)).toBeNull();
  });
});
