import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DomainError } from './domain-error';

export const AREA_LEVELS = ['province', 'district', 'commune'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export interface Area {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  population: number;
}

/**
 * The administrative areas (province > district > commune) every areaCode must be one of, from the
 * shared AREAS_FILE. Codes are the General Statistics Office's: the hierarchy is the parentCode
 * links, never a string prefix (commune 20290 is in district 502 of province 49).
 */
export class AreaCatalog {
  private readonly byCode = new Map<string, Area>();
  private readonly children = new Map<string, string[]>();

  constructor(readonly areas: readonly Area[]) {
    for (const a of areas) {
      if (this.byCode.has(a.code)) throw new DomainError('AREA.DUPLICATE', `area ${a.code} is listed twice`);
      this.byCode.set(a.code, a);
    }
    for (const a of areas) {
      if (a.parentCode === null) continue;
      if (!this.byCode.has(a.parentCode)) {
        throw new DomainError('AREA.UNKNOWN_PARENT', `area ${a.code} names an unknown parent ${a.parentCode}`);
      }
      this.children.set(a.parentCode, [...(this.children.get(a.parentCode) ?? []), a.code]);
    }
  }

  /** Parses the shared area file's content: { description, areas: [{ code, name, level, parentCode, population }] }. */
  static fromJson(data: unknown): AreaCatalog {
    const areas = (data as { areas?: unknown })?.areas;
    if (!Array.isArray(areas)) throw new DomainError('AREA.FILE_INVALID', 'the area file has no "areas" array');
    return new AreaCatalog(
      areas.map((raw, i) => {
        const a = raw as Record<string, unknown>;
        const ok =
          typeof a.code === 'string' &&
          a.code.length > 0 &&
          typeof a.name === 'string' &&
          (AREA_LEVELS as readonly unknown[]).includes(a.level) &&
          (a.parentCode === null || typeof a.parentCode === 'string') &&
          typeof a.population === 'number' &&
          a.population >= 0;
        if (!ok)
          throw new DomainError('AREA.FILE_INVALID', `areas[${i}] needs code, name, level, parentCode and population`);
        return {
          code: a.code,
          name: a.name,
          level: a.level,
          parentCode: a.parentCode,
          population: a.population,
        } as Area;
      }),
    );
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  get(code: string): Area | undefined {
    return this.byCode.get(code);
  }

  all(): readonly Area[] {
    return this.areas;
  }

  /** The area and every area below it (a province's districts and communes). */
  withDescendants(code: string): string[] {
    const out: string[] = [];
    const stack = [code];
    while (stack.length > 0) {
      const c = stack.pop()!;
      out.push(c);
      stack.push(...(this.children.get(c) ?? []));
    }
    return out;
  }

  /** The area and every area above it, nearest first (an unknown code: itself only). */
  selfAndAncestors(code: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    let cur = this.byCode.get(code);
    if (!cur) return [code];
    while (cur && !seen.has(cur.code)) {
      seen.add(cur.code);
      out.push(cur.code);
      cur = cur.parentCode ? this.byCode.get(cur.parentCode) : undefined;
    }
    return out;
  }
}

/** Reads AREAS_FILE (cases validates codes with it, ops keeps figures, every service scopes tokens). */
export function loadAreaFile(path: string): AreaCatalog {
  const file = resolve(path);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`AREAS_FILE ${file} cannot be read as JSON: ${(err as Error).message}`, { cause: err });
  }
  return AreaCatalog.fromJson(data);
}
