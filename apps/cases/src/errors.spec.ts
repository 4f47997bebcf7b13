import { CasesErrors } from './errors';

describe('the cases error catalog', () => {
  it('names each code once', () => {
    const codes = Object.values(CasesErrors).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
