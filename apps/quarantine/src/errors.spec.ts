import { QuarantineErrors } from './errors';

describe('the quarantine error catalog', () => {
  it('names each code once', () => {
    const codes = Object.values(QuarantineErrors).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
