/** The administrative areas file shared with the cases service: {description, areas:[...]}. */
export interface Area {
  code: string;
  name: string;
  /** 'province', 'district' or 'commune' in the shipped file; other levels are kept as given. */
  level: string;
  parentCode: string | null;
  population: number;
}

export class AreaTree {
  private readonly byCode = new Map<string, Area>();
  private readonly children = new Map<string, Area[]>();

  constructor(areas: Area[]) {
    for (const a of areas) {
      this.byCode.set(a.code, a);
      if (a.parentCode) this.children.set(a.parentCode, [...(this.children.get(a.parentCode) ?? []), a]);
    }
  }

  static parse(json: unknown): AreaTree {
    const list = (json as { areas?: unknown })?.areas;
    if (!Array.isArray(list)) throw new Error('areas file: expected {"areas": [...]}');
    for (const a of list) {
      if (typeof a?.code !== 'string' || typeof a?.name !== 'string' || typeof a?.population !== 'number') {
        throw new Error(`areas file: bad entry ${JSON.stringify(a)}`);
      }
    }
    return new AreaTree(list as Area[]);
  }

  get(code: string): Area | undefined {
    return this.byCode.get(code);
  }

  all(): Area[] {
    return [...this.byCode.values()];
  }

  /** The area and every area below it (a province's figures include its districts' and communes'). */
  selfAndDescendants(code: string): string[] {
    const out = [code];
    for (let i = 0; i < out.length; i++) for (const c of this.children.get(out[i]) ?? []) out.push(c.code);
    return out;
  }

  /** The area and every area above it, nearest first. */
  selfAndAncestors(code: string): string[] {
    const out: string[] = [];
    let cur = this.byCode.get(code);
    const seen = new Set<string>();
    if (!cur) return [code];
    while (cur && !seen.has(cur.code)) {
      seen.add(cur.code);
      out.push(cur.code);
      cur = cur.parentCode ? this.byCode.get(cur.parentCode) : undefined;
    }
    return out;
  }
}
