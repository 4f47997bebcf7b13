import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, http, startService, TestService, tokenFor } from '../../../../test/support/services';
import { TracingService } from '../service';

const DAY = 86_400_000;

/**
 * The graph API's answers are bounded: GET /cases/:id/contacts pages by cursor, GET /clusters by
 * page (headers say what was left out), GET /exposure-sites caps its period and its length. Rows
 * are written straight into the tracing tables (a large graph in milliseconds), under ids of
 * this run only.
 */
describe('graph API: bounded answers', () => {
  let tracing: TestService;
  let pg: Client;
  const t = randomUUID().slice(0, 8);
  const caseId = randomUUID();
  const f0 = `${t}-f0`;
  const f1 = Array.from({ length: 70 }, (_, i) => `${t}-f1-${String(i).padStart(3, '0')}`);
  const f2 = Array.from({ length: 50 }, (_, i) => `${t}-f2-${String(i).padStart(3, '0')}`);
  const at = Date.UTC(2021, 10, 20, 8);
  const get = (path: string) => http(tracing.url, 'GET', path, { role: 'tracer' });

  beforeAll(async () => {
    tracing = await startService(TracingService, {
      RETENTION_INTERVAL_MINUTES: '0',
      TRACING_RESUME_INTERVAL_SECONDS: '0',
    });
    pg = await db();
    await pg.query(
      `INSERT INTO tracing.traced_cases (case_id, person_id, confirmed_at, origin, area_code, traced_at, f2_expanded_at)
       VALUES ($1, $2, $3, 'INVESTIGATION', '49', now(), now())`,
      [caseId, f0, new Date(at)],
    );
    const edges = [
      ...f1.map((p) => [f0, p, 1]),
      // Each F2 is listed once, by one of the first five F1.
      ...f2.map((p, i) => [f1[i % 5], p, 2]),
    ] as [string, string, number][];
    await pg.query(
      `INSERT INTO tracing.contacts (contact_id, source_case_id, source_person_id, person_id, degree, kind, venue_id, started_at, ended_at, first_exposure_at, last_exposure_at, identified_at)
       SELECT gen_random_uuid(), $1, s, p, d, 'CO_LOCATION', 'v-1', $5, $5, $5, $5, now()
       FROM unnest($2::text[], $3::text[], $4::int[]) AS e(s, p, d)`,
      [caseId, edges.map((e) => e[0]), edges.map((e) => e[1]), edges.map((e) => e[2]), new Date(at - DAY)],
    );
  });

  afterAll(async () => {
    await Promise.all([tracing?.close(), pg?.end()]);
  });

  it('GET /cases/:id/contacts: the pages, followed by `next`, hold every edge once, in the order of the whole answer', async () => {
    const whole = await get(`/cases/${caseId}/contacts`);
    expect(whole.status).toBe(200);
    expect(whole.body).toMatchObject({ caseId, complete: true, truncated: false, next: null });
    expect(whole.body.edges).toHaveLength(120);

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: any } = await get(
        `/cases/${caseId}/contacts?limit=50${after ? `&after=${after}` : ''}`,
      );
      expect(page.status).toBe(200);
      pages++;
      expect(page.body.edges.length).toBeLessThanOrEqual(50);
      expect(page.body.truncated).toBe(page.body.next !== null);
      // Every page names the F0 and the nodes its edges reach.
      const nodes = new Set(page.body.nodes.map((n: { personId: string }) => n.personId));
      expect(nodes.has(f0)).toBe(true);
      for (const e of page.body.edges) expect(nodes.has(e.target)).toBe(true);
      seen.push(...page.body.edges.map((e: { source: string; target: string }) => `${e.source}>${e.target}`));
      after = page.body.next;
    } while (after !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(whole.body.edges.map((e: { source: string; target: string }) => `${e.source}>${e.target}`));
  });

  it('GET /cases/:id/contacts: a limit out of range or a forged cursor is a 400 naming the field', async () => {
    for (const q of ['limit=0', 'limit=5001', 'limit=1e308', 'limit=abc']) {
      const r = await get(`/cases/${caseId}/contacts?${q}`);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain('limit');
    }
    const notUuid = await get('/cases/x%27%3B--/contacts');
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.details).toEqual([{ field: 'id', problems: ['id must be a UUID'] }]);
    const forged = [
      Buffer.from('[1,"a\\u0000","b"]').toString('base64url'),
      Buffer.from('{"x":1}').toString('base64url'),
      'bm90LWpzb24',
      'a.b',
    ];
    for (const after of forged) {
      const r = await get(`/cases/${caseId}/contacts?after=${after}`);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain('after');
    }
  });

  it('GET /clusters: pages of at most `limit`, with X-Total-Count, X-Truncated and a Link to the next page', async () => {
    // A second traced case whose person is one of the first case's F1 links the two into a cluster.
    await pg.query(
      `INSERT INTO tracing.traced_cases (case_id, person_id, confirmed_at, origin, area_code, traced_at, f2_expanded_at)
       VALUES ($1, $2, $3, 'INVESTIGATION', '49', now(), now()), ($4, $5, $3, 'INVESTIGATION', '49', now(), now())`,
      [randomUUID(), f1[0], new Date(at + DAY), randomUUID(), f1[1]],
    );
    const res = await fetch(`${tracing.url}/clusters?limit=1`, {
      headers: { authorization: `Bearer ${tokenFor('tracer')}` },
    });
    expect(res.status).toBe(200);
    const first = (await res.json()) as { caseIds: string[] }[];
    expect(first).toHaveLength(1);
    const total = Number(res.headers.get('x-total-count'));
    expect(total).toBeGreaterThanOrEqual(1);
    expect(res.headers.get('x-truncated')).toBe(String(total > 1));
    const all = await get('/clusters');
    expect(all.body).toHaveLength(total);
    expect(first[0]).toEqual(all.body[0]);
    expect(all.body.some((c: { caseIds: string[] }) => c.caseIds.includes(caseId) && c.caseIds.length === 3)).toBe(
      true,
    );
    if (total > 1) {
      expect(res.headers.get('link')).toMatch(/page=2&limit=1>; rel="next"/);
      expect((await get('/clusters?page=2&limit=1')).body).toEqual([all.body[1]]);
    }
    expect((await get('/clusters?page=1001')).status).toBe(400);
    expect((await get('/clusters?limit=501')).status).toBe(400);
  });

  it('GET /exposure-sites: at most 62 days, at most `limit` sites with `truncated` and `total`', async () => {
    // A window of its own, far from other tests' data: five sites on five days of 2090.
    const base = Date.UTC(2090, 0, 1);
    for (let i = 0; i < 5; i++) {
      await pg.query(
        'INSERT INTO tracing.exposure_sites (case_id, venue_id, started_at, ended_at) VALUES ($1, $2, $3, $4)',
        [caseId, `${t}-v${i}`, new Date(base + i * DAY), new Date(base + i * DAY + 3_600_000)],
      );
    }
    const iso = (ms: number) => new Date(ms).toISOString();
    const all = await get(`/exposure-sites?from=${iso(base)}&to=${iso(base + 10 * DAY)}`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 5, truncated: false });
    expect(all.body.sites.map((s: { venueId: string }) => s.venueId)).toEqual([0, 1, 2, 3, 4].map((i) => `${t}-v${i}`));
    const two = await get(`/exposure-sites?from=${iso(base)}&to=${iso(base + 10 * DAY)}&limit=2`);
    expect(two.body).toMatchObject({ total: 5, truncated: true });
    expect(two.body.sites).toEqual(all.body.sites.slice(0, 2));

    const tooLong = await get(`/exposure-sites?from=${iso(base)}&to=${iso(base + 63 * DAY)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.details).toEqual([{ field: 'from', problems: [expect.stringContaining('62 days')] }]);
    const backwards = await get(`/exposure-sites?from=${iso(base + DAY)}&to=${iso(base)}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.details).toEqual([{ field: 'to', problems: ['to must be after from'] }]);
    expect((await get(`/exposure-sites?to=2090-01-01T00:00:00%2B16:30`)).status).toBe(400);
  });
});
