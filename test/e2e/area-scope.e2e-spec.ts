import { createEvent } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { OpsService } from '../../apps/ops/src/service';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { TracingService } from '../../apps/tracing/src/service';
import { db, eventually, http, startService, TestService, tokenFor } from '../support/services';

/**
 * Area-scoped access (issue 14, item 3) across the four services, through HTTP and the real broker.
 * Quảng Nam (49) has the districts Tam Kỳ (502, commune 20290) and Hội An (503, commune 20335):
 * the F0 and one household contact live in 20290, the other contact in 20335, who later becomes a
 * case. A tracer or quarantine team of one district sees and changes only its district's records
 * (another's are 404 and absent from lists and counts, and show as pseudonyms in a graph), a
 * province token sees its communes, a token without areas sees nothing, `*` and admin see all.
 */
describe('area-scoped access', () => {
  let cases: TestService;
  let tracing: TestService;
  let quarantine: TestService;
  let ops: TestService;
  let pg: Client;
  const run = randomUUID().slice(0, 8);
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  const tamKy = tokenFor('tracer', `tracer-502-${run}`, ['502']);
  const hoiAn = tokenFor('tracer', `tracer-503-${run}`, ['503']);
  const province = tokenFor('tracer', `tracer-49-${run}`, ['49']);
  const noAreas = tokenFor('tracer', `tracer-none-${run}`, []);
  const national = tokenFor('tracer', `tracer-all-${run}`);
  const qTamKy = tokenFor('quarantine', `q-502-${run}`, ['502']);
  const qHoiAn = tokenFor('quarantine', `q-503-${run}`, ['503']);
  const qNoAreas = tokenFor('quarantine', `q-none-${run}`, []);
  const opsNoAreas = tokenFor('ops', `ops-${run}`, []);
  const call = (svc: () => TestService, token: string) => (method: string, path: string, body?: unknown) =>
    http(svc().url, method, path, { token, body });

  const now = Date.now();
  const at = (hoursAgo: number) => new Date(now - hoursAgo * 3600_000).toISOString();
  const venue = `venue-${run}`;
  const ids = { f0: '', b: '', c: '', caseA: '', caseC: '' };
  const phoneF0 = `09${digits(8)}`;
  const phoneC = `07${digits(8)}`;

  beforeAll(async () => {
    [cases, tracing, quarantine, ops] = await Promise.all([
      startService(CasesService),
      startService(TracingService),
      startService(QuarantineService),
      startService(OpsService),
    ]);
    pg = await db();
    const admin = call(() => cases, national);
    const register = async (name: string, areaCode: string, phone = `03${digits(8)}`) => {
      const r = await admin('POST', '/persons', { fullName: `${name} Area${run}`, phone, areaCode });
      expect(r.status).toBe(201);
      return r.body.personId as string;
    };
    ids.f0 = await register('F0', '20290', phoneF0);
    ids.b = await register('Household', '20290');
    ids.c = await register('Visitor', '20335', phoneC);
    // The F0 stayed at a venue inside the infectious window: an exposure site of the case.
    await cases.app.get(EventPublisher).publish([
      createEvent(
        'CheckInRecorded',
        {
          checkInId: `ci-${run}`,
          personId: ids.f0,
          venueId: venue,
          checkedInAt: at(30),
          checkedOutAt: at(29),
          source: 'test',
        },
        { source: '/test' },
      ),
    ]);
    await eventually('the check-in in the visit store', async () => {
      const { rows } = await pg.query('SELECT 1 FROM tracing.visits WHERE person_id = $1', [ids.f0]);
      return rows.length > 0;
    });
    const a = await admin('POST', '/cases', {
      personId: ids.f0,
      confirmedAt: at(3),
      symptomOnsetAt: at(48),
      testType: 'PCR',
    });
    expect(a.status).toBe(201);
    ids.caseA = a.body.caseId;
    const household = { kind: 'HOUSEHOLD', startedAt: at(40), endedAt: at(4) };
    for (const personId of [ids.b, ids.c])
      expect((await admin('POST', `/cases/${ids.caseA}/contacts`, { ...household, personId })).status).toBe(201);
    await eventually('both contacts in the graph and both quarantine orders', async () => {
      const g = await pg.query('SELECT count(*)::int AS n FROM tracing.contacts WHERE source_case_id = $1', [
        ids.caseA,
      ]);
      const q = await pg.query('SELECT count(*)::int AS n FROM quarantine.quarantines WHERE person_id = ANY($1)', [
        [ids.b, ids.c],
      ]);
      const p = await pg.query('SELECT count(*)::int AS n FROM tracing.person_areas WHERE person_id = $1', [ids.c]);
      return g.rows[0].n === 2 && q.rows[0].n === 2 && p.rows[0].n === 1;
    });
    // The Hội An contact tests positive later: a case of 503 linked to the Tam Kỳ case.
    const c = await admin('POST', '/cases', { personId: ids.c, confirmedAt: at(1), testType: 'PCR' });
    expect(c.status).toBe(201);
    ids.caseC = c.body.caseId;
    await eventually('both cases traced and counted by ops', async () => {
      const t = await pg.query('SELECT count(*)::int AS n FROM tracing.traced_cases WHERE case_id = ANY($1)', [
        [ids.caseA, ids.caseC],
      ]);
      const o = await pg.query('SELECT count(*)::int AS n FROM ops.case_counts WHERE case_id = ANY($1)', [
        [ids.caseA, ids.caseC],
      ]);
      return t.rows[0].n === 2 && o.rows[0].n === 2;
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([cases?.close(), tracing?.close(), quarantine?.close(), ops?.close(), pg?.end()]);
  });

  describe('cases service', () => {
    const as = (token: string) => call(() => cases, token);

    it('lists and counts only the cases of the areas served, sub-areas included', async () => {
      const list = await as(tamKy)('GET', '/cases?pageSize=500');
      expect(list.status).toBe(200);
      const listed = list.body.items.map((i: { caseId: string }) => i.caseId);
      expect(listed).toContain(ids.caseA);
      expect(listed).not.toContain(ids.caseC);
      const tamKyCodes = ['502', '20290', '20293', '20296'];
      for (const i of list.body.items) expect(tamKyCodes).toContain(i.areaCode);
      const { rows } = await pg.query('SELECT count(*)::int AS n FROM cases.cases WHERE area_code = ANY($1)', [
        tamKyCodes,
      ]);
      expect(list.body.total).toBe(rows[0].n);
      // An area filter outside the scope lists nothing rather than the other district's cases.
      expect((await as(tamKy)('GET', '/cases?area=503')).body).toMatchObject({ items: [], total: 0 });
      expect((await as(noAreas)('GET', '/cases')).body).toMatchObject({ items: [], total: 0 });
      const all = (await as(province)('GET', '/cases?area=49&pageSize=500')).body.items.map((i: any) => i.caseId);
      expect(all).toEqual(expect.arrayContaining([ids.caseA, ids.caseC]));
    });

    it("answers 404 for another area's case on every route, reads and writes alike", async () => {
      expect((await as(tamKy)('GET', `/cases/${ids.caseA}`)).status).toBe(200);
      expect((await as(province)('GET', `/cases/${ids.caseA}`)).status).toBe(200);
      const other = as(hoiAn);
      const refused = [
        await other('GET', `/cases/${ids.caseA}`),
        await other('GET', `/cases/${ids.caseA}/investigation`),
        await other('PATCH', `/cases/${ids.caseA}/investigation`, { notes: 'not mine' }),
        await other('GET', `/cases/${ids.caseA}/declared-contacts`),
        await other('POST', `/cases/${ids.caseA}/contacts`, {
          personId: ids.c,
          kind: 'DECLARED',
          startedAt: at(40),
          endedAt: at(39),
        }),
        await other('POST', `/cases/${ids.caseA}/close`, { outcome: 'recovered', closedAt: at(0.5) }),
        await as(noAreas)('GET', `/cases/${ids.caseA}`),
      ];
      expect(refused.map((r) => r.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
      expect(refused[0].body.code).toBe('CASE.NOT_FOUND');
      const { rows } = await pg.query('SELECT status, notes FROM cases.investigations WHERE case_id = $1', [ids.caseA]);
      expect(rows[0]).toEqual({ status: 'open', notes: null });
    });

    it("hides another area's persons: 404 audited as DENIED, absent from lookups, status 404", async () => {
      expect((await as(tamKy)('GET', `/persons/${ids.f0}`)).status).toBe(200);
      const denied = await as(hoiAn)('GET', `/persons/${ids.f0}`);
      expect(denied.status).toBe(404);
      expect(JSON.stringify(denied.body)).not.toContain('Area');
      const { rows } = await pg.query(
        `SELECT action, fields FROM cases.audit_log WHERE subject = $1 AND person_id = $2`,
        [`tracer-503-${run}`, ids.f0],
      );
      expect(rows).toEqual([{ action: 'DENIED', fields: [] }]);
      expect((await as(hoiAn)('PATCH', `/persons/${ids.f0}`, { address: 'elsewhere' })).status).toBe(404);
      expect((await as(hoiAn)('GET', `/persons?phone=${phoneF0}`)).body.items).toEqual([]);
      expect((await as(tamKy)('GET', `/persons?phone=${phoneF0}`)).body.items).toHaveLength(1);
      expect((await as(hoiAn)('GET', `/persons/${ids.f0}/status`)).status).toBe(404);
      expect((await as(tamKy)('GET', `/persons/${ids.f0}/status`)).status).toBe(200);
      // A case for a person of another area: as for an unknown person.
      const confirm = await as(hoiAn)('POST', '/cases', { personId: ids.b, confirmedAt: at(1), testType: 'PCR' });
      expect(confirm.status).toBe(404);
    });

    it('refuses (403, naming the field) to place a record in an area not served', async () => {
      const reg = await as(tamKy)('POST', '/persons', { fullName: `Elsewhere ${run}`, areaCode: '20335' });
      expect(reg.status).toBe(403);
      expect(reg.body.details).toEqual([{ field: 'areaCode', problems: [expect.any(String)] }]);
      const nested = await as(tamKy)('POST', `/cases/${ids.caseA}/contacts`, {
        kind: 'DECLARED',
        startedAt: at(40),
        endedAt: at(39),
        person: { fullName: `Nested ${run}`, areaCode: '20335' },
      });
      expect(nested.status).toBe(403);
      expect(nested.body.details).toEqual([{ field: 'person.areaCode', problems: [expect.any(String)] }]);
      const move = await as(tamKy)('PATCH', `/persons/${ids.b}`, { areaCode: '20335' });
      expect(move.status).toBe(403);
      const unregistered = await as(tamKy)('POST', '/cases', {
        personId: `pc-${randomUUID()}`,
        confirmedAt: at(1),
        testType: 'PCR',
        areaCode: '503',
      });
      expect(unregistered.status).toBe(403);
      const { rows } = await pg.query('SELECT area_code FROM cases.persons WHERE person_id = $1', [ids.b]);
      expect(rows[0].area_code).toBe('20290');
    });

    it("answers a duplicate of another area's person with a 409 that does not name them", async () => {
      const dup = await as(tamKy)('POST', '/persons', { fullName: `Again ${run}`, phone: phoneC, areaCode: '20290' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('PERSON.DUPLICATE');
      expect(JSON.stringify(dup.body)).not.toContain(ids.c);
      const seen = await as(hoiAn)('POST', '/persons', { fullName: `Again ${run}`, phone: phoneC, areaCode: '20335' });
      expect(seen.status).toBe(409);
      expect(seen.body.existingPersonId).toBe(ids.c);
    });
  });

  describe('tracing service', () => {
    const as = (token: string) => call(() => tracing, token);

    it('shows a contact of another area as a pseudonymous node without details', async () => {
      const g = await as(tamKy)('GET', `/cases/${ids.caseA}/contacts`);
      expect(g.status).toBe(200);
      const text = JSON.stringify(g.body);
      expect(text).not.toContain(ids.c);
      const hidden = g.body.nodes.filter((n: any) => n.hidden);
      expect(hidden).toEqual([{ personId: expect.stringMatching(/^x-[A-Za-z0-9_-]{22}$/), degree: 1, hidden: true }]);
      expect(g.body.nodes).toContainEqual({ personId: ids.b, degree: 1, class: 'F1' });
      const edge = g.body.edges.find((e: any) => e.target === hidden[0].personId);
      expect(edge).toEqual({ source: ids.f0, target: hidden[0].personId, degree: 1, hidden: true });
      // Stable: the same pseudonym on every read; the province sees the person.
      expect((await as(tamKy)('GET', `/cases/${ids.caseA}/contacts`)).body.nodes).toContainEqual(hidden[0]);
      const full = await as(province)('GET', `/cases/${ids.caseA}/contacts`);
      expect(full.body.nodes).toContainEqual({ personId: ids.c, degree: 1, class: 'F0' });
    });

    it('pages with sealed cursors that name nobody', async () => {
      const seen: string[] = [];
      let next: string | null = null;
      do {
        const q: string = next ? `&after=${next}` : '';
        const page = await as(tamKy)('GET', `/cases/${ids.caseA}/contacts?limit=1${q}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.edges.map((e: any) => e.target));
        next = page.body.next;
        if (next) expect(Buffer.from(next, 'base64url').toString('latin1')).not.toContain(ids.c);
      } while (next);
      expect(seen).toHaveLength(2);
      expect(seen).toContain(ids.b);
      const forged = Buffer.from(JSON.stringify([1, ids.f0, ids.b])).toString('base64url');
      expect((await as(tamKy)('GET', `/cases/${ids.caseA}/contacts?after=${forged}`)).status).toBe(400);
    });

    it("answers 404 for another area's case graph and chain, and hides linked cases of other areas", async () => {
      expect((await as(hoiAn)('GET', `/cases/${ids.caseA}/contacts`)).status).toBe(404);
      expect((await as(noAreas)('GET', `/cases/${ids.caseA}/contacts`)).status).toBe(404);
      expect((await as(hoiAn)('GET', `/cases/${ids.caseA}/chain`)).status).toBe(404);
      const chain = await as(tamKy)('GET', `/cases/${ids.caseA}/chain`);
      expect(chain.status).toBe(200);
      expect(chain.body.descendants).toEqual([{ caseId: expect.stringMatching(/^x-/), generation: 1, hidden: true }]);
      expect(JSON.stringify(chain.body)).not.toContain(ids.caseC);
      const seenFromProvince = await as(province)('GET', `/cases/${ids.caseA}/chain`);
      expect(seenFromProvince.body.descendants).toEqual([expect.objectContaining({ caseId: ids.caseC })]);
    });

    it("lists a person's exposures only in their area, with the source case of another area pseudonymous", async () => {
      expect((await as(tamKy)('GET', `/persons/${ids.c}/exposures`)).body.exposures).toEqual([]);
      const own = await as(hoiAn)('GET', `/persons/${ids.c}/exposures`);
      expect(own.body.exposures).toHaveLength(1);
      expect(own.body.exposures[0]).toMatchObject({ sourceHidden: true, degree: 1, kind: 'HOUSEHOLD' });
      expect(JSON.stringify(own.body)).not.toContain(ids.caseA);
      expect(JSON.stringify(own.body)).not.toContain(ids.f0);
      const b = await as(tamKy)('GET', `/persons/${ids.b}/exposures`);
      expect(b.body.exposures).toEqual([expect.objectContaining({ sourceCaseId: ids.caseA, sourcePersonId: ids.f0 })]);
    });

    it('counts clusters and exposure sites of the areas served only', async () => {
      const clusters = async (token: string) => {
        const res = await fetch(`${tracing.url}/clusters?minSize=1&limit=500`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const all = (await res.json()) as { size: number; caseIds: string[] }[];
        const total = Number(res.headers.get('x-total-count'));
        return { total, all, mine: all.filter((c) => c.caseIds.includes(ids.caseA)) };
      };
      const whole = await clusters(national);
      expect(whole.mine).toEqual([expect.objectContaining({ size: 2 })]);
      const part = await clusters(tamKy);
      expect(part.mine).toEqual([expect.objectContaining({ size: 1, caseIds: [ids.caseA] })]);
      expect(part.all.flatMap((c) => c.caseIds)).not.toContain(ids.caseC);
      const { rows } = await pg.query('SELECT count(*)::int AS n FROM tracing.traced_cases WHERE area_code = ANY($1)', [
        ['502', '20290', '20293', '20296'],
      ]);
      // minSize 1: every case of the scope is in exactly one cluster, and the total counts those clusters.
      expect(part.all.reduce((n, c) => n + c.size, 0)).toBe(rows[0].n);
      expect(part.total).toBe(part.all.length);
      expect(await clusters(noAreas)).toEqual({ total: 0, all: [], mine: [] });

      const period = `from=${encodeURIComponent(at(72))}&to=${encodeURIComponent(at(0))}`;
      const sites = async (token: string) =>
        (await http(tracing.url, 'GET', `/exposure-sites?${period}`, { token })).body.sites.map((s: any) => s.venueId);
      expect(await sites(tamKy)).toContain(venue);
      expect(await sites(hoiAn)).not.toContain(venue);
      expect(await sites(opsNoAreas)).toContain(venue);
    });
  });

  describe('quarantine service', () => {
    const as = (token: string) => call(() => quarantine, token);
    const orderOf = async (personId: string) => {
      const { rows } = await pg.query('SELECT id FROM quarantine.quarantines WHERE person_id = $1', [personId]);
      return rows[0].id as string;
    };

    it('lists and counts only the orders of the areas served', async () => {
      const other = await as(qTamKy)('GET', '/quarantines?area=20335&limit=500');
      expect(other.body).toMatchObject({ total: 0, items: [] });
      const own = await as(qHoiAn)('GET', '/quarantines?area=20335&limit=500');
      expect(own.body.total).toBeGreaterThanOrEqual(1);
      expect(own.body.items.map((o: any) => o.personId)).toContain(ids.c);
      expect((await as(qNoAreas)('GET', '/quarantines')).body).toMatchObject({ total: 0, items: [] });
      expect((await as(qTamKy)('GET', `/persons/${ids.c}/quarantines`)).body.items).toEqual([]);
      expect((await as(qHoiAn)('GET', `/persons/${ids.c}/quarantines`)).body.items).toHaveLength(1);
    });

    it("answers 404 for another area's order and its tests, reads and writes alike", async () => {
      const idC = await orderOf(ids.c);
      expect((await as(qTamKy)('GET', `/quarantines/${idC}`)).status).toBe(404);
      const order = await as(qHoiAn)('GET', `/quarantines/${idC}`);
      expect(order.status).toBe(200);
      const idB = await orderOf(ids.b);
      const orderB = await as(qTamKy)('GET', `/quarantines/${idB}`);
      const test = orderB.body.tests.find((t: any) => t.status === 'SCHEDULED');
      expect(test).toBeDefined();
      const result = { result: 'NEGATIVE', testType: 'RAPID_ANTIGEN', sampleTakenAt: at(0.5) };
      expect((await as(qHoiAn)('POST', `/tests/${test.testId}/result`, result)).status).toBe(404);
      const { rows } = await pg.query('SELECT status FROM quarantine.tests WHERE id = $1', [test.testId]);
      expect(rows[0].status).toBe('SCHEDULED');
      expect(
        (await as(qHoiAn)('POST', '/test-results', { ...result, personId: ids.b, purpose: 'SCREENING' })).status,
      ).toBe(404);
      const home = { separateRoom: true, noHighRiskMember: true, reachableDaily: true };
      expect((await as(qHoiAn)('PUT', `/persons/${ids.b}/home-eligibility`, home)).status).toBe(404);

      const worklist = async (token: string) =>
        (await as(token)('GET', `/tests?due=${test.dueOn}`)).body.items.map((t: any) => t.testId);
      expect(await worklist(qTamKy)).toContain(test.testId);
      expect(await worklist(qHoiAn)).not.toContain(test.testId);
      expect((await as(qTamKy)('PUT', `/persons/${ids.b}/home-eligibility`, home)).status).toBe(200);
    });
  });

  describe('ops service', () => {
    const as = (token: string) => call(() => ops, token);

    it("gives a tracer the figures of their areas only, and ops every area's", async () => {
      expect((await as(tamKy)('GET', '/stats/weekly?area=502')).status).toBe(200);
      expect((await as(tamKy)('GET', '/stats/weekly?area=503')).status).toBe(404);
      expect((await as(tamKy)('GET', '/areas/20335/level')).status).toBe(404);
      // Two weeks: the case 3 hours old may fall in last week near a week's start.
      const sub = await as(province)('GET', '/stats/weekly?area=20290&weeks=2');
      expect(sub.status).toBe(200);
      expect(sub.body.weeks.reduce((n: number, w: { count: number }) => n + w.count, 0)).toBeGreaterThanOrEqual(1);
      const levels = async (token: string) =>
        (await as(token)('GET', '/areas/levels')).body.levels.map((l: any) => l.areaCode).sort();
      expect(await levels(tamKy)).toEqual(['20290', '20293', '20296', '502']);
      expect(await levels(opsNoAreas)).toHaveLength(13);
      expect(await levels(noAreas)).toEqual([]);
      expect((await as(opsNoAreas)('GET', '/stats/weekly?area=503')).status).toBe(200);
    });
  });
});
