import type { Principal } from './principal';

/**
 * Bearer tokens this service has already checked, with what they said. A client sends the same
 * token with every call until it expires, and checking its signature (ES256/RS256) was the largest
 * single cost of a small request such as recording a follow-up. An entry is kept until the token
 * expires (its `exp` plus the tolerated skew) and at most `ttlMs`, so a key the issuer withdrew
 * stops being honoured within that time; the oldest entries go first when the bound is reached.
 * Only accepted tokens are kept: a refused one is checked again each time.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly max = 5000,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token's principal (a copy) while the entry holds, else undefined. */
  get(token: string): Principal | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (hit.until <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    const p = hit.principal;
    return { subject: p.subject, roles: [...p.roles], areas: [...p.areas] };
  }

  /** Keeps a token that was just accepted, until min(expiresAtMs, now + ttl). */
  keep(token: string, principal: Principal, expiresAtMs: number): void {
    const until = Math.min(expiresAtMs, this.now() + this.ttlMs);
    if (until <= this.now()) return;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, {
      principal: { subject: principal.subject, roles: [...principal.roles], areas: [...principal.areas] },
      until,
    });
  }

  get size(): number {
    return this.entries.size;
  }
}
