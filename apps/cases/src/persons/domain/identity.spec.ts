import { normalizeNationalId, normalizePhone } from './identity';

describe('normalizePhone', () => {
  it.each([
    ['0905123456', '+84905123456'],
    ['0905 123 456', '+84905123456'],
    ['+84 905-123-456', '+84905123456'],
    ['84905123456', '+84905123456'],
    ['0084905123456', '+84905123456'],
    ['(0235) 3812 345', '+842353812345'],
    ['+1 202 555 0143', '+12025550143'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizePhone(raw)).toBe(expected);
  });

  it.each(['', 'abc', '12345', '0905', '+84 0905 123 456 789', '905123456x'])('rejects %p', (raw) => {
    expect(normalizePhone(raw)).toBeNull();
  });
});

describe('normalizeNationalId', () => {
  it('drops spaces and dots, upper-cases', () => {
    expect(normalizeNationalId('049 201 000 123')).toBe('049201000123');
    expect(normalizeNationalId('c1234567')).toBe('C1234567');
  });
  it('rejects too short or odd values', () => {
    expect(normalizeNationalId('12')).toBeNull();
    expect(normalizeNationalId('12#456789')).toBeNull();
  });
});
