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

  /**
   * Of `personIds`, the first whose area (as personArea) is known and outside the scope, or null:
   * what a write for many persons (a screening group) refuses, as requirePersonForWrite does for one.
   */
  async firstOutOfScope(who: Principal, personIds: string[]): Promise<string | null> {
    const scope = this.scope(who);
    if (scope.all || personIds.length === 0) return null;
    const [r] = await this.tx.manager.query(
      `SELECT m.pid FROM unnest($1::text[]) WITH ORDINALITY AS m(pid, n)
        CROSS JOIN LATERAL (SELECT COALESCE(
          (SELECT area_code FROM quarantine.person_profiles WHERE person_id = m.pid),
          (SELECT ${ORDER_AREA} FROM quarantine.quarantines q ${ORDER_AREA_JOINS}
            WHERE q.person_id = m.pid ORDER BY q.ordered_at DESC, q.id LIMIT 1),
          (SELECT area_code FROM quarantine.case_areas WHERE person_id = m.pid ORDER BY case_id LIMIT 1)) AS area) a
        WHERE a.area IS NOT NULL AND NOT (a.area = ANY($2::text[]))
        ORDER BY m.n LIMIT 1`,
      [personIds, scope.codes()],
    );
    return (r?.pid as string | undefined) ?? null;
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
