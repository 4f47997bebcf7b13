import { DomainError } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { clusters } from '../../contacts/domain/tracing-policy';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/** Most edges in one answer of GET /cases/:id/contacts (and the default). */
export const CONTACTS_PAGE_MAX = 5000;
/** The last edge of a page: (degree, source person, contact person), the graph's order. */
export type ContactsCursor = [number, string, string];
export interface ContactsPage {
  limit: number;
  after?: ContactsCursor;
}

export function encodeContactsCursor(c: ContactsCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** The cursor, or null when `raw` is not one this service wrote. */
export function decodeContactsCursor(raw: string): ContactsCursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3) return null;
    const [d, s, p] = v;
    if (
      !Number.isInteger(d) ||
      d < 0 ||
      d > 9 ||
      typeof s !== 'string' ||
      typeof p !== 'string' ||
      s.length > 128 ||
      p.length > 128
    )
      return null;
    if (/[\u0000-\u001F\u007F]/.test(s + p)) return null;
    return [d, s, p];
  } catch {
    return null;
  }
}

/** Read side of the contact graph (tracing.contacts, traced_cases, exposure_sites). */
@Injectable()
export class ContactGraphQueries {
  constructor(private readonly ds: DataSource) {}

  private async tracedCase(caseId: string) {
    const [c] = await this.ds.query(
      'SELECT case_id, person_id, confirmed_at, origin, f2_expanded_at FROM tracing.traced_cases WHERE case_id = $1',
      [caseId],
    );
    if (!c) throw new DomainError('CASE.NOT_TRACED', `case ${caseId} has not been traced`, 'not_found', { caseId });
    return c;
  }

  /**
   * F0 → F1 → F2 of one case: nodes with their current class, edges with the exposure. At most
   * `page.limit` edges, in (degree, source, person) order after `page.after` (keyset paging: a
   * super-spreader has tens of thousands); `next` is the cursor of the following page, or null.
   */
  async caseContacts(caseId: string, page: ContactsPage = { limit: CONTACTS_PAGE_MAX }) {
    const c = await this.tracedCase(caseId);
    const after = page.after ?? [null, null, null];
    const rows = await this.ds.query(
      `SELECT source_person_id, person_id, degree, kind, venue_id, started_at, ended_at, last_exposure_at, identified_at, found_late
       FROM tracing.contacts WHERE source_case_id = $1
         AND ($2::int IS NULL OR (degree, source_person_id, person_id) > ($2::int, $3::text, $4::text))
       ORDER BY degree, source_person_id, person_id LIMIT $5`,
      [caseId, ...after, page.limit + 1],
    );
    const truncated = rows.length > page.limit;
    const edges = truncated ? rows.slice(0, page.limit) : rows;
    const last = edges[edges.length - 1];
    const paging = {
      truncated,
      next: truncated ? encodeContactsCursor([last.degree, last.source_person_id, last.person_id]) : null,
    };
    const people = [...new Set<string>(edges.map((e: any) => e.person_id))];
    const cls = await this.classes(people);
    const degree = new Map<string, number>();
    for (const e of edges) degree.set(e.person_id, Math.min(degree.get(e.person_id) ?? 9, e.degree));
    return {
      caseId,
      // false while a super-spreader's F2 are still being stored (staged tracing): more edges follow.
      complete: c.f2_expanded_at !== null,
      ...paging,
      nodes: [
        { personId: c.person_id, degree: 0, class: 'F0' },
        ...people.map((p) => ({ personId: p, degree: degree.get(p)!, class: cls.get(p) ?? `F${degree.get(p)}` })),
      ],
      edges: edges.map((e: any) => ({
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
      })),
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

  async exposures(personId: string) {
    const rows = await this.ds.query(
      `SELECT contact_id, source_case_id, source_person_id, degree, kind, venue_id, started_at, ended_at, last_exposure_at, identified_at, found_late
       FROM tracing.contacts WHERE person_id = $1 ORDER BY last_exposure_at DESC, source_case_id`,
      [personId],
    );
    return {
      personId,
      exposures: rows.map((r: any) => ({
        contactId: r.contact_id,
        sourceCaseId: r.source_case_id,
        sourcePersonId: r.source_person_id,
        degree: r.degree,
        kind: r.kind,
        venueId: r.venue_id,
        startedAt: iso(r.started_at),
        endedAt: iso(r.ended_at),
        lastExposureAt: iso(r.last_exposure_at),
        identifiedAt: iso(r.identified_at),
        late: r.found_late,
      })),
    };
  }

  /** Connected groups of cases: a case is linked to the case that listed its person as a contact. */
  async clusters(minSize: number) {
    const cases: { case_id: string; confirmed_at: Date }[] = await this.ds.query(
      'SELECT case_id, confirmed_at FROM tracing.traced_cases',
    );
    const links: { a: string; b: string; venue_id: string | null }[] = await this.ds.query(
      `SELECT c.source_case_id AS a, t.case_id AS b, c.venue_id
       FROM tracing.contacts c JOIN tracing.traced_cases t ON t.person_id = c.person_id WHERE t.case_id <> c.source_case_id`,
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

  /**
   * Ancestors (who infected this case, transitively) and descendants (cases among its contacts,
   * transitively). A link runs from an earlier-confirmed case to a later one, so the walk ends.
   */
  async chain(caseId: string) {
    const c = await this.tracedCase(caseId);
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
         SELECT w.case_id, min(w.depth) AS depth, t.person_id, t.confirmed_at, t.origin
         FROM walk w JOIN tracing.traced_cases t ON t.case_id = w.case_id
         WHERE w.case_id <> $1 GROUP BY w.case_id, t.person_id, t.confirmed_at, t.origin ORDER BY depth, t.confirmed_at`,
        [caseId],
      );
    const shape = (r: any) => ({
      caseId: r.case_id,
      personId: r.person_id,
      generation: Number(r.depth),
      confirmedAt: iso(r.confirmed_at),
      origin: r.origin,
    });
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
