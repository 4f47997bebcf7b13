import { AreaScope, inAreaScope } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { clusters } from '../../contacts/domain/tracing-policy';
import { ContactsCursor, GraphSecrets } from '../infrastructure/graph-secrets';
import { TracingErrors } from '../../errors';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/** Most edges in one answer of GET /cases/:id/contacts (and the default). */
export const CONTACTS_PAGE_MAX = 5000;
export interface ContactsPage {
  limit: number;
  after?: ContactsCursor;
}

/**
 * Read side of the contact graph (tracing.contacts, traced_cases, person_areas), scoped to the
 * caller's areas. A case belongs to its areaCode; a contact to their registered area
 * (PersonProfileChanged), else to the area of the case that found them. A case outside the scope
 * is unknown (404); inside a visible case, a person or case of another area is a pseudonymous node
 * (`hidden: true`, an opaque id of the GraphSecrets, no class), and an edge touching one carries no
 * venue or times.
 */
@Injectable()
export class ContactGraphQueries {
  constructor(
    private readonly ds: DataSource,
    private readonly secrets: GraphSecrets,
  ) {}

  private async tracedCase(caseId: string, scope: AreaScope) {
    const [c] = await this.ds.query(
      'SELECT case_id, person_id, confirmed_at, origin, f2_expanded_at, area_code FROM tracing.traced_cases WHERE case_id = $1',
      [caseId],
    );
    if (!c || !scope.covers(c.area_code as string)) throw TracingErrors.caseNotTraced(caseId);
    return c;
  }

  openCursor(raw: string): Promise<ContactsCursor | null> {
    return this.secrets.openCursor(raw);
  }

  /**
   * F0 → F1 → F2 of one case: nodes with their current class, edges with the exposure. At most
   * `page.limit` edges, in (degree, source, person) order after `page.after` (keyset paging: a
   * super-spreader has tens of thousands); `next` is the sealed cursor of the following page, or null.
   */
  async caseContacts(caseId: string, scope: AreaScope, page: ContactsPage = { limit: CONTACTS_PAGE_MAX }) {
    const c = await this.tracedCase(caseId, scope);
    const after = page.after ?? [null, null, null];
    const rows = await this.ds.query(
      `SELECT ct.source_person_id, ct.person_id, ct.degree, ct.kind, ct.venue_id, ct.started_at, ct.ended_at, ct.last_exposure_at,
              ct.identified_at, ct.found_late,
              COALESCE(pa.area_code, $6) AS person_area, COALESCE(sa.area_code, $6) AS source_area
       FROM tracing.contacts ct
       LEFT JOIN tracing.person_areas pa ON pa.person_id = ct.person_id
       LEFT JOIN tracing.person_areas sa ON sa.person_id = ct.source_person_id
       WHERE ct.source_case_id = $1
         AND ($2::int IS NULL OR (ct.degree, ct.source_person_id, ct.person_id) > ($2::int, $3::text, $4::text))
       ORDER BY ct.degree, ct.source_person_id, ct.person_id LIMIT $5`,
      [caseId, ...after, page.limit + 1, c.area_code],
    );
    const truncated = rows.length > page.limit;
    const edges = truncated ? rows.slice(0, page.limit) : rows;
    const last = edges[edges.length - 1];
    const next = truncated ? await this.secrets.sealCursor([last.degree, last.source_person_id, last.person_id]) : null;
    const pseudonym = await this.secrets.pseudonymizer(caseId);
    const hidden = new Set<string>();
    for (const e of edges) {
      if (!scope.covers(e.person_area)) hidden.add(e.person_id);
      if (e.source_person_id !== c.person_id && !scope.covers(e.source_area)) hidden.add(e.source_person_id);
    }
    const id = (p: string) => (hidden.has(p) ? pseudonym(p) : p);
    const people = [...new Set<string>(edges.map((e: any) => e.person_id))];
    const cls = await this.classes(people.filter((p) => !hidden.has(p)));
    const degree = new Map<string, number>();
    for (const e of edges) degree.set(e.person_id, Math.min(degree.get(e.person_id) ?? 9, e.degree));
    return {
      caseId,
      // false while a super-spreader's F2 are still being stored (staged tracing): more edges follow.
      complete: c.f2_expanded_at !== null,
      truncated,
      next,
      nodes: [
        { personId: c.person_id, degree: 0, class: 'F0' },
        ...people.map((p) =>
          hidden.has(p)
            ? { personId: id(p), degree: degree.get(p)!, hidden: true }
            : { personId: p, degree: degree.get(p)!, class: cls.get(p) ?? `F${degree.get(p)}` },
        ),
      ],
      edges: edges.map((e: any) =>
        hidden.has(e.person_id) || hidden.has(e.source_person_id)
          ? { source: id(e.source_person_id), target: id(e.person_id), degree: e.degree, hidden: true }
          : {
              source: e.source_person_id,
              target: e.person_id,
              degree: e.degree,
              kind: e.kind,
              venueId: e.venue_id,
              startedAt: iso(e.started_at),
              endedAt: iso(e.ended_at),
              lastExposureAt: iso(e.last_exposure_at),
              // When the contact was identified, and whether a retrace found it or moved its exposure
              // (data that arrived after the case was first traced: a late check-in or check-out).
              identifiedAt: iso(e.identified_at),
              late: e.found_late,
            },
      ),
    };
  }

  /** A person's current class: F0 if they are a traced case, else the lowest degree of any edge to them. */
  private async classes(people: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (people.length === 0) return out;
    const rows = await this.ds.query(
      `SELECT p AS person_id,
         CASE WHEN EXISTS (SELECT 1 FROM tracing.traced_cases t WHERE t.person_id = p) THEN 'F0'
              ELSE 'F' || (SELECT min(degree) FROM tracing.contacts c WHERE c.person_id = p) END AS class
       FROM unnest($1::text[]) AS p`,
      [people],
    );
    for (const r of rows) out.set(r.person_id, r.class);
    return out;
  }

  /**
   * A person's exposures, when the person is in the scope (their registered area, else the area of
   * the case that found them); a source case of another area is named by pseudonyms only.
   */
  async exposures(personId: string, scope: AreaScope) {
    const rows = await this.ds.query(
      `SELECT c.contact_id, c.source_case_id, c.source_person_id, c.degree, c.kind, c.venue_id, c.started_at, c.ended_at,
              c.last_exposure_at, c.identified_at, c.found_late, t.area_code AS case_area
       FROM tracing.contacts c
       JOIN tracing.traced_cases t ON t.case_id = c.source_case_id
       LEFT JOIN tracing.person_areas pa ON pa.person_id = c.person_id
       WHERE c.person_id = $1 AND ${inAreaScope('COALESCE(pa.area_code, t.area_code)', 2)}
       ORDER BY c.last_exposure_at DESC, c.source_case_id`,
      [personId, scope.codes()],
    );
    const pseudonym = await this.secrets.pseudonymizer(personId);
    return {
      personId,
      exposures: rows.map((r: any) => {
        const seen = scope.covers(r.case_area);
        return {
          contactId: r.contact_id,
          sourceCaseId: seen ? r.source_case_id : pseudonym(r.source_case_id),
          sourcePersonId: seen ? r.source_person_id : pseudonym(r.source_person_id),
          ...(seen ? {} : { sourceHidden: true }),
          degree: r.degree,
          kind: r.kind,
          venueId: r.venue_id,
          startedAt: iso(r.started_at),
          endedAt: iso(r.ended_at),
          lastExposureAt: iso(r.last_exposure_at),
          identifiedAt: iso(r.identified_at),
          late: r.found_late,
        };
      }),
    };
  }

  /**
   * Connected groups of the scope's cases: a case is linked to the case that listed its person as a
   * contact, when both are in the scope (a cluster across areas shows its part in the scope).
   */
  async clusters(minSize: number, scope: AreaScope) {
    const cases: { case_id: string; confirmed_at: Date }[] = await this.ds.query(
      `SELECT case_id, confirmed_at FROM tracing.traced_cases WHERE ${inAreaScope('area_code', 1)}`,
      [scope.codes()],
    );
    const links: { a: string; b: string; venue_id: string | null }[] = await this.ds.query(
      `SELECT c.source_case_id AS a, t.case_id AS b, c.venue_id
       FROM tracing.contacts c
       JOIN tracing.traced_cases t ON t.person_id = c.person_id
       JOIN tracing.traced_cases s ON s.case_id = c.source_case_id
       WHERE t.case_id <> c.source_case_id AND ${inAreaScope('t.area_code', 1)} AND ${inAreaScope('s.area_code', 1)}`,
      [scope.codes()],
    );
    const groups = clusters(
      cases.map((c) => c.case_id),
      links.map((l) => [l.a, l.b]),
    );
    const at = new Map(cases.map((c) => [c.case_id, new Date(c.confirmed_at).getTime()]));
    return groups
      .filter((g) => g.length >= minSize)
      .map((g) => {
        const members = new Set(g);
        const venues = [...new Set(links.filter((l) => members.has(l.a) && l.venue_id).map((l) => l.venue_id!))].sort();
        const times = g.map((id) => at.get(id)!);
        return {
          size: g.length,
          caseIds: g,
          venues,
          firstConfirmedAt: new Date(Math.min(...times)).toISOString(),
          lastConfirmedAt: new Date(Math.max(...times)).toISOString(),
        };
      });
  }
}
