import { addWeeks, changePct, isoWeekLabel, phrase, weekStartOf } from './weeks';

describe('weeks', () => {
  it('finds the Monday of the local (UTC+7) week', () => {
    expect(weekStartOf('2021-11-17T10:00:00Z')).toBe('2021-11-15'); // Wednesday
    expect(weekStartOf('2021-11-21T16:30:00Z')).toBe('2021-11-15'); // Sunday 23:30 local
    expect(weekStartOf('2021-11-21T17:30:00Z')).toBe('2021-11-22'); // Monday 00:30 local
    expect(addWeeks('2021-11-15', -1)).toBe('2021-11-08');
    expect(isoWeekLabel('2021-11-15')).toBe('2021-W46');
    expect(isoWeekLabel('2021-01-04')).toBe('2021-W01');
  });

  it('phrases the weekly figure the way officials do', () => {
    expect(phrase(320, 486)).toBe('320 cases this week, down 34.2%');
    expect(changePct(320, 486)).toBe(-34.2);
    expect(phrase(320, 485.6)).toBe('320 cases this week, down 34.1%');
    expect(phrase(12, 10)).toBe('12 cases this week, up 20.0%');
    expect(phrase(1, 1)).toBe('1 case this week, unchanged');
    expect(phrase(5, 0)).toBe('5 cases this week, none the week before');
  });
});
