import { VerifiedTokens } from './verified-tokens';

describe('VerifiedTokens (bearer tokens already checked)', () => {
  let now = 1_000_000;
  const clock = () => now;
  const tracer = { subject: 'acct-1', roles: ['tracer' as const], areas: ['49'] };

  it('answers a kept token until it expires, and no longer', () => {
    const cache = new VerifiedTokens(10, 60_000, clock);
    cache.keep('t1', tracer, now + 5_000);
    expect(cache.get('t1')).toEqual(tracer);
    now += 4_999;
    expect(cache.get('t1')).toEqual(tracer);
    now += 1;
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps a token at most the ttl even when it expires later (a withdrawn key stops counting)', () => {
    const cache = new VerifiedTokens(10, 60_000, clock);
    cache.keep('t2', tracer, now + 3_600_000);
    now += 59_999;
    expect(cache.get('t2')).toBeDefined();
    now += 1;
    expect(cache.get('t2')).toBeUndefined();
  });

  it('never keeps a token that has already expired', () => {
    const cache = new VerifiedTokens(10, 60_000, clock);
    cache.keep('t3', tracer, now);
    expect(cache.get('t3')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the oldest entry at the bound', () => {
    const cache = new VerifiedTokens(2, 60_000, clock);
    cache.keep('a', tracer, now + 10_000);
    cache.keep('b', { ...tracer, subject: 'acct-2' }, now + 10_000);
    cache.keep('c', { ...tracer, subject: 'acct-3' }, now + 10_000);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.subject).toBe('acct-2');
    expect(cache.get('c')?.subject).toBe('acct-3');
  });

  it('hands out copies: a caller changing its principal does not change the next caller', () => {
    const cache = new VerifiedTokens(10, 60_000, clock);
    cache.keep('t4', tracer, now + 10_000);
    cache.get('t4')!.areas.push('48');
    expect(cache.get('t4')!.areas).toEqual(['49']);
  });
});
