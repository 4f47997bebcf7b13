import { AreaScope, AreaScopes, Principal, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { QuarantineErrors } from '../../errors';

/** Joins that give `ORDER_AREA` for an order `q` (profile `pp`, case area `ca`). */
export const ORDER_AREA_JOINS = `LEFT JOIN quarantine.person_profiles pp ON pp.person_id = q.person_id
  LEFT JOIN quarantine.case_areas ca ON ca.case_id = q.source_case_id`;
/**
 * The area an order belongs to: the one it was given (the person's profile when ordered), else the
 * person's profile now, else the area of the case that made them a contact.
 */
export const ORDER_AREA = 'COALESCE(q.area_code, pp.area_code, ca.area_code)';

/**
 * Area-scoped access to quarantine records. An order belongs to ORDER_AREA; a test to its order's
 * area (else its person's); a person to their profile's area, else their latest order's, else their
 * own case's. Outside the caller's scope a record reads as absent (404, left out of lists and
 * counts). A person of no known area belongs to nobody yet: only a scope of all areas reads them,
 * while a result or home eligibility may be recorded for them by any quarantine team (screening).
 */
@Injectable()
export class QuarantineAreas {
  constructor(
    private readonly tx: TransactionHost,
    private readonly scopes: AreaScopes,
  ) {}

  scope(who: Principal): AreaScope {
    return this.scopes.of(who);
  }

  async personArea(personId: string): Promise<string | null> {
    const [r] = await this.tx.manager.query(
      `SELECT COALESCE(
         (SELECT area_code FROM quarantine.person_profiles WHERE person_id = $1),
         (SELECT ${ORDER_AREA} FROM quarantine.quarantines q ${ORDER_AREA_JOINS}
           WHERE q.person_id = $1 ORDER BY q.ordered_at DESC, q.id LIMIT 1),
         (SELECT area_code FROM quarantine.case_areas WHERE person_id = $1 ORDER BY case_id LIMIT 1)) AS area_code`,
      [personId],
    );
    return (r?.area_code as string | null) ?? null;
  }

  /** 404 for a person of an area outside the scope; a person of no known area may be written for. */
  async requirePersonForWrite(who: Principal, personId: string): Promise<void> {
    const scope = this.scope(who);
    if (scope.all) return;
    const area = await this.personArea(personId);
    if (area !== null && !scope.covers(area)) throw QuarantineErrors.personNotFound(personId);
  }

  /** 404 TEST.NOT_FOUND unless the test exists and is of an area in the scope. */
  async requireTest(who: Principal, testId: string): Promise<void> {
    const scope = this.scope(who);
    if (scope.all) return;
    const [t] = await this.tx.manager.query(
      `SELECT t.person_id, (SELECT ${ORDER_AREA} FROM quarantine.quarantines q ${ORDER_AREA_JOINS} WHERE q.id = t.quarantine_id) AS area
         FROM quarantine.tests t WHERE t.id = $1`,
      [testId],
    );
    const area = t ? ((t.area as string | null) ?? (await this.personArea(t.person_id as string))) : null;
    if (!scope.covers(area)) throw QuarantineErrors.testNotFound(testId);
  }
}
