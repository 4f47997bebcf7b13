import { formatDate, formatLocalDateTime, formatNumber, formatPercent } from './format';

describe('report number and date formatting', () => {
  it('writes Vietnamese numbers with "." for thousands and "," for decimals', () => {
    expect(formatNumber(320, 'vi')).toBe('320');
    expect(formatNumber(1234567, 'vi')).toBe('1.234.567');
    expect(formatNumber(17219.456, 'vi', 2)).toBe('17.219,46');
    expect(formatNumber(-1234.5, 'vi', 1)).toBe('-1.234,5');
    expect(formatNumber(-0.01, 'vi', 1)).toBe('0,0');
    expect(formatPercent(34.1, 'vi')).toBe('34,1%');
    expect(formatPercent(98, 'vi', 0)).toBe('98%');
  });

  it('writes English numbers the en-GB way', () => {
    expect(formatNumber(1234567, 'en')).toBe('1,234,567');
    expect(formatNumber(5.805, 'en', 2)).toBe('5.81');
    expect(formatPercent(34.1, 'en')).toBe('34.1%');
  });

  it('writes dates dd/mm/yyyy and instants in local time (UTC+7)', () => {
    expect(formatDate('2021-11-15')).toBe('15/11/2021');
    expect(formatLocalDateTime('2021-11-21T17:30:00Z')).toBe('22/11/2021 00:30');
  });
});
