import { TracingErrors } from './errors';

describe('the tracing error catalog', () => {
  it('names each code once', () => {
    const codes = Object.values(TracingErrors).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
