/** One bad field and why: the shape of every 400's `details`. */
export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Collects problems per field, so a 400 names every bad field at once. */
export class Problems {
  private readonly byField = new Map<string, string[]>();

  add(field: string, problem: string): this {
    const list = this.byField.get(field) ?? [];
    list.push(problem);
    this.byField.set(field, list);
    return this;
  }

  get empty(): boolean {
    return this.byField.size === 0;
  }

  list(): FieldProblem[] {
    return [...this.byField.entries()].map(([field, problems]) => ({ field, problems }));
  }

  /** Throws the catalog's error (a 400 with `details`, e.g. `CasesErrors.caseInvalid`) when any problem was found. */
  throwIfAny(error: (message: string, details: FieldProblem[]) => Error, message = 'request validation failed'): void {
    if (!this.empty) throw error(message, this.list());
  }
}

/** True when `iso` lies after now by more than the allowed clock skew. */
export function isInFuture(iso: string | Date, now: Date, skewMs: number): boolean {
  return new Date(iso).getTime() > now.getTime() + skewMs;
}
