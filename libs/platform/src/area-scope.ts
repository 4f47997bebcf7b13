import { Injectable } from '@nestjs/common';
import { AreaCatalog } from './area-catalog';
import { Principal, Role } from './principal';

/** The token area that stands for every area (a national role). */
export const ALL_AREAS = '*';

/**
 * What a caller may see and change of area-bound records (persons, cases, contacts, quarantines,
 * tests, figures): everything, or the areas of their token with every area below them (a
 * province's districts and communes, by the catalog's parent links). A record of an area not
 * covered, or of no known area, is treated as absent (404, left out of lists and counts).
 */
export class AreaScope {
  static readonly ALL = new AreaScope(true, new Set());
  static readonly NONE = new AreaScope(false, new Set());

  private constructor(
    readonly all: boolean,
    private readonly covered: ReadonlySet<string>,
  ) {}

  /** The areas given (a token's) and everything below them; `*` among them: all. */
  static of(areas: readonly string[], catalog: AreaCatalog): AreaScope {
    if (areas.includes(ALL_AREAS)) return AreaScope.ALL;
    if (areas.length === 0) return AreaScope.NONE;
    return new AreaScope(false, new Set(areas.flatMap((a) => catalog.withDescendants(a))));
  }

  /** Whether a record of area `code` is within the scope; a record without an area only for `all`. */
  covers(code: string | null | undefined): boolean {
    if (this.all) return true;
    return typeof code === 'string' && this.covered.has(code);
  }

  /** The covered codes for SQL (`col = ANY($n)`), or null when every area is covered (no filter). */
  codes(): string[] | null {
    return this.all ? null : [...this.covered].sort();
  }

  /** `wanted` (an area filter with its sub-areas) cut to what the scope covers. */
  narrow(wanted: readonly string[]): string[] {
    return wanted.filter((c) => this.covers(c));
  }
}

/**
 * A SQL condition keeping rows of the scope: `($n::text[] IS NULL OR <expr> = ANY($n::text[]))`,
 * with `scope.codes()` as parameter $n. A NULL area never matches a limited scope.
 */
export function inAreaScope(expr: string, param: number): string {
  return `($${param}::text[] IS NULL OR ${expr} = ANY($${param}::text[]))`;
}

/** Computes callers' area scopes from their token and the area catalog. */
@Injectable()
export class AreaScopes {
  constructor(private readonly catalog: AreaCatalog) {}

  /**
   * admin, or a token with the area `*`: all. A role in `unscoped` (ops on aggregate figures): all.
   * Otherwise the token's areas and their sub-areas; a token without areas covers nothing.
   */
  of(who: Principal, opts: { unscoped?: readonly Role[] } = {}): AreaScope {
    if (who.roles.includes('admin')) return AreaScope.ALL;
    if (opts.unscoped && who.roles.some((r) => opts.unscoped!.includes(r))) return AreaScope.ALL;
    return AreaScope.of(who.areas, this.catalog);
  }
}
