import { OpsErrors } from './errors';

describe('the ops error catalog', () => {
  it('names each code once', () => {
    const codes = Object.values(OpsErrors).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
