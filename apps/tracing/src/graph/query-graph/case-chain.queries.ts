import { AreaScope } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GraphSecrets } from '../infrastructure/graph-secrets';
import { TracingErrors } from '../../errors';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/** Chains of transmission between traced cases, scoped to the caller's areas. */
@Injectable()
export class CaseChainQueries {
  constructor(
    private readonly ds: DataSource,
    private readonly secrets: GraphSecrets,
  ) {}

  /**
   * Ancestors (who infected this case, transitively) and descendants (cases among its contacts,
   * transitively). A link runs from an earlier-confirmed case to a later one, so the walk ends. The
   * case must be in the scope (else 404); a linked case of another area is a pseudonym
   * (`hidden: true`) with its generation only.
   */
  async chain(caseId: string, scope: AreaScope) {
    const [c] = await this.ds.query(
      'SELECT person_id, confirmed_at, area_code FROM tracing.traced_cases WHERE case_id = $1',
      [caseId],
    );
    if (!c || !scope.covers(c.area_code as string)) throw TracingErrors.caseNotTraced(caseId);
    const walk = (dir: 'up' | 'down') =>
      this.ds.query(
        `WITH RECURSIVE link AS (
           SELECT s.case_id AS from_case, t.case_id AS to_case, min(c.degree) AS degree
           FROM tracing.contacts c
           JOIN tracing.traced_cases s ON s.case_id = c.source_case_id
           JOIN tracing.traced_cases t ON t.person_id = c.person_id
           WHERE (s.confirmed_at, s.case_id) < (t.confirmed_at, t.case_id)
           GROUP BY 1, 2
         ), walk(case_id, depth) AS (
           SELECT $1::text, 0
           UNION
           SELECT ${dir === 'up' ? 'l.from_case' : 'l.to_case'}, w.depth + 1
           FROM walk w JOIN link l ON ${dir === 'up' ? 'l.to_case' : 'l.from_case'} = w.case_id
           WHERE w.depth < 100
         )
         SELECT w.case_id, min(w.depth) AS depth, t.person_id, t.confirmed_at, t.origin, t.area_code
         FROM walk w JOIN tracing.traced_cases t ON t.case_id = w.case_id
         WHERE w.case_id <> $1 GROUP BY w.case_id, t.person_id, t.confirmed_at, t.origin, t.area_code
         ORDER BY depth, t.confirmed_at`,
        [caseId],
      );
    const pseudonym = await this.secrets.pseudonymizer(caseId);
    const shape = (r: any) =>
      scope.covers(r.area_code)
        ? {
            caseId: r.case_id,
            personId: r.person_id,
            generation: Number(r.depth),
            confirmedAt: iso(r.confirmed_at),
            origin: r.origin,
          }
        : { caseId: pseudonym(r.case_id), generation: Number(r.depth), hidden: true };
    const [up, down] = [await walk('up'), await walk('down')];
    return {
      caseId,
      personId: c.person_id,
      confirmedAt: iso(c.confirmed_at),
      ancestors: up.map(shape),
      descendants: down.map(shape),
    };
  }
}
