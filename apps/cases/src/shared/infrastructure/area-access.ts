import { AreaScope, AreaScopes, Principal, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { CasesErrors } from '../../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Area-scoped access to the cases service's records. A case belongs to its areaCode; a person to
 * their registered areaCode, else (an app account known only through cases) to the area of their
 * latest case. Outside the caller's scope a record reads as absent: the same 404 as an unknown id,
 * so nothing tells whether it exists. Placing a record in an area not served is a 403 naming the field.
 */
@Injectable()
export class AreaAccess {
  constructor(
    private readonly tx: TransactionHost,
    private readonly scopes: AreaScopes,
  ) {}

  scope(who: Principal): AreaScope {
    return this.scopes.of(who);
  }

  /** 404 CASE.NOT_FOUND unless the case exists and its area is in the caller's scope. */
  async requireCase(who: Principal, caseId: string): Promise<void> {
    const scope = this.scope(who);
    if (scope.all) return;
    const [c] = await this.tx.manager.query('SELECT area_code FROM cases.cases WHERE id = $1', [caseId]);
    if (!c || !scope.covers(c.area_code as string)) throw caseNotFound(caseId);
  }

  /** Whether the caller may see the case (an unknown case: only a scope of all areas). */
  async coversCase(who: Principal, caseId: string): Promise<boolean> {
    const scope = this.scope(who);
    if (scope.all) return true;
    if (!UUID.test(caseId)) return false;
    const [c] = await this.tx.manager.query('SELECT area_code FROM cases.cases WHERE id = $1', [caseId]);
    return scope.covers(c?.area_code as string | undefined);
  }

  /** The person's area: registered, else their latest case's; null when neither is known. */
  async personArea(personId: string): Promise<string | null> {
    const [r] = await this.tx.manager.query(
      `SELECT COALESCE(
         (SELECT area_code FROM cases.persons WHERE person_id = $1),
         (SELECT area_code FROM cases.cases WHERE person_id = $1 ORDER BY confirmed_at DESC, id LIMIT 1)) AS area_code`,
      [personId],
    );
    return (r?.area_code as string | null) ?? null;
  }

  /** Whether the caller may see the person (a person of no known area: only a scope of all areas). */
  async coversPerson(who: Principal, personId: string): Promise<boolean> {
    const scope = this.scope(who);
    return scope.all || scope.covers(await this.personArea(personId));
  }

  /** 403 AREA.OUT_OF_SCOPE when a record would be placed in an area the caller does not serve. */
  requireTarget(who: Principal, areaCode: string, field = 'areaCode'): void {
    if (this.scope(who).covers(areaCode)) return;
    throw CasesErrors.areaOutOfScope(field);
  }
}

export const caseNotFound = (caseId: string) => CasesErrors.caseNotFound(caseId);
export const personNotFound = (personId: string) => CasesErrors.personNotFound(personId);
