import { Workbook } from 'exceljs';
import { randomInt, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { OpsService } from '../../apps/ops/src/service';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { TracingService } from '../../apps/tracing/src/service';
import { db, eventually, http, startService, TestService, tokenFor } from '../support/services';

/**
 * Area-scoped access (issue 14) on the routes issues 16–19 added, and on the ones
 * area-scope.e2e-spec.ts does not call: person status and notifications, arrivals, imports,
 * exports (CSV and XLSX), isolations, follow-ups, self-report links, screening plans, committee and
 * care figures, the weekly report. The four services run on a test catalog with two districts no
 * other test file uses (test/support/areas-care-and-data.json: Tây Giang 504 with commune 20368,
 * Đông Giang 505 with 20398), so the counts here are exact whatever other files left behind.
 * Seeded through the APIs and the broker: a case in each district, and a household contact of the
 * 504 case who lives in 505.
 */
describe('area-scoped access: care, arrivals, screening, imports, exports and figures', () => {
  const AREAS_FILE = join(__dirname, '../support/areas-care-and-data.json');
  const A = { district: '504', commune: '20368' };
  const B = { district: '505', commune: '20398' };
  let cases: TestService;
  let tracing: TestService;
  let quarantine: TestService;
  let ops: TestService;
  let pg: Client;
  const run = randomUUID().slice(0, 8);
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  const tracerA = tokenFor('tracer', `tracer-504-${run}`, [A.district]);
  const tracerB = tokenFor('tracer', `tracer-505-${run}`, [B.district]);
  const qA = tokenFor('quarantine', `q-504-${run}`, [A.district]);
  const qB = tokenFor('quarantine', `q-505-${run}`, [B.district]);
  const opsNoAreas = tokenFor('ops', `ops-${run}`, []);
  const national = tokenFor('tracer', `tracer-all-${run}`);
  const qNational = tokenFor('quarantine', `q-all-${run}`);
  const admin = tokenFor('admin', `admin-${run}`);
  const call = (svc: () => TestService, token: string) => (method: string, path: string, body?: unknown) =>
    http(svc().url, method, path, { token, body });
  const raw = async (svc: TestService, path: string, token: string) => {
    const res = await fetch(`${svc.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  /** Every cell of an XLSX's first sheet, as text. */
  const xlsxText = async (bytes: Buffer) => {
    const wb = new Workbook();
    await wb.xlsx.load(bytes);
    const cells: string[] = [];
    wb.worksheets[0].eachRow((row) => row.eachCell((c) => cells.push(String(c.text))));
    return cells.join('\n');
  };
  /** A CSV's data lines as header → value records (no quoted commas in these columns). */
  const csvRows = (bytes: Buffer) => {
    const [head, ...lines] = bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    const cols = head.split(',');
    return lines
      .filter(Boolean)
      .map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v.replace(/^"(.*)"$/, '$1')])));
  };

  const now = Date.now();
  const at = (hoursAgo: number) => new Date(now - hoursAgo * 3600_000).toISOString();
  const ids = { f0A: '', f0B: '', contactB: '', caseA: '', caseB: '', arrivalA: '', arrivalB: '' };
  let day = ''; // the local day of the care pass's follow-ups
  const today = () => day;

  beforeAll(async () => {
    const env = { AREAS_FILE };
    [cases, tracing, quarantine, ops] = await Promise.all([
      startService(CasesService, env),
      startService(TracingService, env),
      startService(QuarantineService, { ...env, CARE_PASS_INTERVAL_SECONDS: '0' }),
      startService(OpsService, env),
    ]);
    pg = await db();
    const seed = call(() => cases, national);
    const register = async (name: string, areaCode: string) => {
      const r = await seed('POST', '/persons', { fullName: `${name} Vùng${run}`, phone: `03${digits(8)}`, areaCode });
      expect(r.status).toBe(201);
      return r.body.personId as string;
    };
    ids.f0A = await register('Ca Tây Giang', A.commune);
    ids.f0B = await register('Ca Đông Giang', B.commune);
    ids.contactB = await register('Tiếp Xúc Đông Giang', B.commune);
    const confirm = async (personId: string) => {
      const r = await seed('POST', '/cases', { personId, confirmedAt: at(3), symptomOnsetAt: at(30), testType: 'PCR' });
      expect(r.status).toBe(201);
      return r.body.caseId as string;
    };
    ids.caseA = await confirm(ids.f0A);
    ids.caseB = await confirm(ids.f0B);
    const household = { personId: ids.contactB, kind: 'HOUSEHOLD', startedAt: at(40), endedAt: at(4) };
    expect((await seed('POST', `/cases/${ids.caseA}/contacts`, household)).status).toBe(201);
    // Arrivals from the same origin into each district, each registered by its own district's tracer.
    for (const [token, area, key] of [
      [tracerA, A.commune, 'arrivalA'],
      [tracerB, B.commune, 'arrivalB'],
    ] as const) {
      const r = await http(cases.url, 'POST', '/arrivals', {
        token,
        body: {
          person: { fullName: `Người Đến ${area} ${run}`, phone: `05${digits(8)}`, areaCode: area },
          originAreaCode: '79',
          destinationAreaCode: area,
          arrivedAt: new Date(now - 60_000).toISOString(),
        },
      });
      expect(r.status).toBe(201);
      ids[key] = r.body.personId;
    }
    await eventually(
      'isolations, the contact order, the status contact, arrivals and ops care figures',
      async () => {
        const n = async (sql: string, params: unknown[]) => (await pg.query(sql, params)).rows[0].n as number;
        const counts = [
          await n('SELECT count(*)::int AS n FROM quarantine.isolations WHERE person_id = ANY($1)', [
            [ids.f0A, ids.f0B],
          ]),
          await n('SELECT count(*)::int AS n FROM quarantine.quarantines WHERE person_id = $1', [ids.contactB]),
          await n('SELECT count(*)::int AS n FROM cases.status_contacts WHERE person_id = $1', [ids.contactB]),
          await n('SELECT count(*)::int AS n FROM quarantine.arrivals WHERE person_id = ANY($1)', [
            [ids.arrivalA, ids.arrivalB],
          ]),
          // Only these two cases are in these districts' communes (no other file uses them).
          await n('SELECT count(*)::int AS n FROM ops.care_isolations WHERE area_code = ANY($1)', [
            [A.commune, B.commune],
          ]),
        ];
        return counts.join() === '2,1,1,2,2';
      },
      // ops joining its group first reads what earlier files left on care.v1.
      120_000,
    );
    // Today's follow-ups of everyone isolated or quarantined (what the care pass's timer runs).
    const pass = await http(quarantine.url, 'POST', '/care/pass', { token: admin });
    expect(pass.status).toBe(200);
    day = pass.body.today;
  }, 200_000);

  afterAll(async () => {
    await Promise.all([cases?.close(), tracing?.close(), quarantine?.close(), ops?.close(), pg?.end()]);
  });

  describe('cases service', () => {
    const as = (token: string) => call(() => cases, token);

    it("shows a contact's status without naming a source case of another area", async () => {
      expect((await as(tracerA)('GET', `/persons/${ids.contactB}/status`)).status).toBe(404);
      const own = await as(tracerB)('GET', `/persons/${ids.contactB}/status`);
      expect(own.status).toBe(200);
      expect(own.body.class).toBe('F1');
      expect(own.body.contact).toMatchObject({ sourceCaseId: null, sourcePersonId: null, sourceHidden: true });
      expect(JSON.stringify(own.body)).not.toContain(ids.caseA);
      expect(JSON.stringify(own.body)).not.toContain(ids.f0A);
      const all = await as(national)('GET', `/persons/${ids.contactB}/status`);
      expect(all.body.contact).toMatchObject({ sourceCaseId: ids.caseA, sourcePersonId: ids.f0A });
      expect(all.body.contact.sourceHidden).toBeUndefined();
    });

    it("answers 404 for another area's person's notifications and preferences, and changes nothing", async () => {
      const other = as(tracerB);
      const refused = [
        await other('GET', `/persons/${ids.f0A}/notifications`),
        await other('GET', `/persons/${ids.f0A}/notification-preferences`),
        await other('PUT', `/persons/${ids.f0A}/notification-preferences`, { sms: false }),
      ];
      expect(refused.map((r) => r.status)).toEqual([404, 404, 404]);
      expect(refused[0].body.code).toBe('PERSON.NOT_FOUND');
      const mine = as(tracerA);
      expect((await mine('GET', `/persons/${ids.f0A}/notifications`)).status).toBe(200);
      expect((await mine('GET', `/persons/${ids.f0A}/notification-preferences`)).body).toMatchObject({
        personId: ids.f0A,
        sms: true,
      });
      expect((await mine('PUT', `/persons/${ids.f0A}/notification-preferences`, { email: false })).body).toMatchObject({
        sms: true,
        email: false,
      });
    });

    it("refuses an arrival for another area's person (404) or into another area (403), one by one and in CSV", async () => {
      const arrival = { originAreaCode: '79', arrivedAt: at(1) };
      const forOther = await as(tracerA)('POST', '/arrivals', {
        ...arrival,
        personId: ids.f0B,
        destinationAreaCode: A.commune,
      });
      expect(forOther.status).toBe(404);
      expect(forOther.body.code).toBe('PERSON.NOT_FOUND');
      const intoOther = await as(tracerA)('POST', '/arrivals', {
        ...arrival,
        personId: ids.f0A,
        destinationAreaCode: B.commune,
      });
      expect(intoOther.status).toBe(403);
      const csv = [
        'personId,originAreaCode,destinationAreaCode,arrivedAt',
        `${ids.f0B},79,${A.commune},${at(1)}`,
        `${ids.f0A},79,${B.commune},${at(1)}`,
      ].join('\n');
      const lines = await http(cases.url, 'POST', '/arrivals.csv', {
        token: tracerA,
        raw: csv,
        contentType: 'text/csv',
      });
      expect(lines.status).toBe(200);
      expect(lines.body).toMatchObject({ accepted: 0, rejected: 2 });
      expect(lines.body.lines.map((l: { error: { code: string } }) => l.error.code)).toEqual([
        'PERSON.NOT_FOUND',
        'AREA.OUT_OF_SCOPE',
      ]);
      const { rows } = await pg.query('SELECT count(*)::int AS n FROM cases.arrivals WHERE person_id = ANY($1)', [
        [ids.f0A, ids.f0B],
      ]);
      expect(rows[0].n).toBe(0);
    });

    it("imports neither persons into another area nor cases for another area's person", async () => {
      const post = (path: string, csv: string) =>
        http(cases.url, 'POST', path, { token: tracerA, raw: csv, contentType: 'text/csv' });
      const persons = await post(
        '/imports/persons?dryRun=true',
        `full_name,phone,area_code\n"Nhập Vùng Khác ${run}",04${digits(8)},${B.commune}\n`,
      );
      expect(persons.status).toBe(200);
      expect(persons.body).toMatchObject({ rejected: 1 });
      expect(persons.body.problems).toEqual([
        {
          line: 2,
          kind: 'INVALID',
          fields: [{ field: 'area_code', problems: [expect.stringContaining('you serve')] }],
        },
      ]);
      const casesCsv = `person_id,confirmed_at,test_type\n${ids.f0B},${at(1)},PCR\n`;
      const dry = await post('/imports/cases?dryRun=true', casesCsv);
      expect(dry.body).toMatchObject({ rejected: 1 });
      expect(JSON.stringify(dry.body.problems)).toContain('PERSON.NOT_FOUND');
      const started = await post('/imports/cases', casesCsv);
      expect(started.status).toBe(202);
      const done = await eventually('the import done', async () => {
        const r = await http(cases.url, 'GET', `/imports/${started.body.id}`, { token: tracerA });
        return r.body.status === 'DONE' ? r.body : undefined;
      });
      expect(done).toMatchObject({ created: 0, rejected: 1 });
      const { rows } = await pg.query('SELECT count(*)::int AS n FROM cases.cases WHERE person_id = $1', [ids.f0B]);
      expect(rows[0].n).toBe(1);
    });

    it("exports the cases of the caller's areas only, CSV and XLSX", async () => {
      const csv = async (token: string) => csvRows((await raw(cases, '/exports/cases.csv', token)).bytes);
      const a = await csv(tracerA);
      expect(a.map((r) => r.case_id).sort()).toEqual([ids.caseA]);
      const b = await csv(tracerB);
      expect(b.map((r) => r.case_id).sort()).toEqual([ids.caseB]);
      const all = (await csv(national)).map((r) => r.case_id);
      expect(all).toEqual(expect.arrayContaining([ids.caseA, ids.caseB]));
      expect(await csv(opsNoAreas)).toEqual([]);
      const x = await raw(cases, '/exports/cases.xlsx', tracerA);
      expect(x.status).toBe(200);
      const text = await xlsxText(x.bytes);
      expect(text).toContain(ids.caseA);
      expect(text).not.toContain(ids.caseB);
    });

    it('exports contacts of the areas served, a source case of another area left blank', async () => {
      const csv = async (token: string) => csvRows((await raw(cases, '/exports/contacts.csv', token)).bytes);
      expect((await csv(tracerA)).map((r) => r.person_id)).not.toContain(ids.contactB);
      const b = await csv(tracerB);
      expect(b.map((r) => r.person_id)).toEqual([ids.contactB]);
      expect(b[0]).toMatchObject({ area_code: B.commune, source_case_id: '', source_person_id: '' });
      const all = (await csv(national)).find((r) => r.person_id === ids.contactB);
      expect(all).toMatchObject({ source_case_id: ids.caseA, source_person_id: ids.f0A });
      const x = await raw(cases, '/exports/contacts.xlsx', tracerB);
      const text = await xlsxText(x.bytes);
      expect(text).toContain(ids.contactB);
      expect(text).not.toContain(ids.caseA);
      expect(text).not.toContain(ids.f0A);
    });
  });

  describe('quarantine service', () => {
    const as = (token: string) => call(() => quarantine, token);

    it("lists and counts the isolations of the caller's areas only", async () => {
      const list = async (token: string) => (await as(token)('GET', '/isolations')).body;
      const a = await list(qA);
      expect(a.items.map((i: { personId: string }) => i.personId)).toEqual([ids.f0A]);
      expect(a.total).toBe(1);
      expect((await list(qB)).items.map((i: { personId: string }) => i.personId)).toEqual([ids.f0B]);
      expect((await as(qA)('GET', `/isolations?area=${B.commune}`)).body).toEqual({ total: 0, items: [] });
      const all = (await list(qNational)).items.map((i: { personId: string }) => i.personId);
      expect(all).toEqual(expect.arrayContaining([ids.f0A, ids.f0B]));
    });

    it("lists today's follow-ups of the caller's areas only; another area's is a 404 to record", async () => {
      const list = async (token: string) => (await as(token)('GET', `/follow-ups?due=${today()}`)).body;
      const a = await list(qA);
      expect([...new Set(a.items.map((f: { personId: string }) => f.personId))]).toEqual([ids.f0A]);
      expect(a.total).toBe(a.items.length);
      const b = await list(qB);
      expect([...new Set(b.items.map((f: { personId: string }) => f.personId))].sort()).toEqual(
        [ids.f0B, ids.contactB].sort(),
      );
      const theirs = b.items.find((f: { personId: string }) => f.personId === ids.f0B);
      const report = { status: 'DONE', temperatureC: 36.8, spo2: 98 };
      const refused = await as(qA)('POST', `/follow-ups/${theirs.followUpId}`, report);
      expect(refused.status).toBe(404);
      const { rows } = await pg.query('SELECT status FROM quarantine.follow_ups WHERE id = $1', [theirs.followUpId]);
      expect(rows[0].status).toBe('DUE');
      expect((await as(qB)('POST', `/follow-ups/${theirs.followUpId}`, report)).status).toBe(200);
    });

    it("makes a self-report link only for a person of the caller's areas", async () => {
      const refused = await as(qA)('POST', '/self-report-links', { personId: ids.f0B });
      expect(refused.status).toBe(404);
      expect(JSON.stringify(refused.body)).not.toContain('token');
      const own = await as(qB)('POST', '/self-report-links', { personId: ids.f0B });
      expect(own.status).toBe(201);
      expect(own.body.path).toMatch(/^\/self-report\//);
    });

    it("exports orders, tests and follow-ups of the caller's areas only, CSV and XLSX", async () => {
      const csv = async (path: string, token: string) => csvRows((await raw(quarantine, path, token)).bytes);
      const ordersB = (await csv('/exports/quarantines.csv', qB)).map((r) => r.person_id);
      expect(ordersB).toContain(ids.contactB);
      expect((await csv('/exports/quarantines.csv', qA)).map((r) => r.person_id)).not.toContain(ids.contactB);
      const testsB = await csv('/exports/tests.csv', qB);
      expect(testsB.filter((t) => t.person_id === ids.contactB).length).toBeGreaterThan(0);
      for (const t of testsB) expect([B.district, B.commune]).toContain(t.area_code);
      expect((await csv('/exports/tests.csv', qA)).map((t) => t.person_id)).not.toContain(ids.contactB);
      const followA = await csv('/exports/follow-ups.csv', qA);
      expect([...new Set(followA.map((f) => f.person_id))]).toEqual([ids.f0A]);
      const followB = [...new Set((await csv('/exports/follow-ups.csv', qB)).map((f) => f.person_id))].sort();
      expect(followB).toEqual([ids.f0B, ids.contactB].sort());
      const sheets: Record<string, string> = {};
      for (const path of ['/exports/quarantines.xlsx', '/exports/tests.xlsx', '/exports/follow-ups.xlsx']) {
        const x = await raw(quarantine, path, qA);
        expect(x.status).toBe(200);
        sheets[path] = await xlsxText(x.bytes);
        expect(sheets[path]).not.toContain(ids.contactB);
        expect(sheets[path]).not.toContain(ids.f0B);
      }
      expect(sheets['/exports/follow-ups.xlsx']).toContain(ids.f0A);
    });

    it("keeps screening plans to the plan's area: placing (403), reading (404) and arrival groups", async () => {
      const plan = { name: `vùng ${run}`, testType: 'RAPID_ANTIGEN', endsOn: today(), everyDays: 1 };
      const elsewhere = await as(qA)('POST', '/screening-plans', {
        ...plan,
        areaCode: B.commune,
        personIds: [ids.contactB],
      });
      expect(elsewhere.status).toBe(403);
      const theirs = await as(qB)('POST', '/screening-plans', { ...plan, areaCode: B.commune, personIds: [ids.f0B] });
      expect(theirs.status).toBe(201);
      expect((await as(qA)('GET', `/screening-plans/${theirs.body.id}`)).status).toBe(404);
      expect((await as(qB)('GET', `/screening-plans/${theirs.body.id}`)).status).toBe(200);
      expect(
        (await http(quarantine.url, 'GET', `/screening-plans/${theirs.body.id}`, { token: opsNoAreas })).status,
      ).toBe(404);
      // A group naming another area's person would put tests on that area's worklist: refused as
      // for one person; a person nobody knows yet may be screened.
      const plans = async () =>
        (await pg.query('SELECT count(*)::int AS n FROM quarantine.screening_plans WHERE name = $1', [plan.name]))
          .rows[0].n as number;
      const before = await plans();
      const naming = await as(qA)('POST', '/screening-plans', {
        ...plan,
        areaCode: A.commune,
        personIds: [`walk-in-${run}`, ids.contactB],
      });
      expect(naming.status).toBe(404);
      expect(naming.body.code).toBe('PERSON.NOT_FOUND');
      expect(await plans()).toBe(before);
      const known = await as(qA)('POST', '/screening-plans', {
        ...plan,
        areaCode: A.commune,
        personIds: [`walk-in-${run}`, ids.f0A],
      });
      expect(known.status).toBe(201);
      expect(known.body.groupSize).toBe(2);
      // The arrivals from an origin into the plan's area, not those into another district.
      const arrivals = await as(qA)('POST', '/screening-plans', {
        ...plan,
        areaCode: A.district,
        arrivalsFrom: ['79'],
      });
      expect(arrivals.status).toBe(201);
      expect(arrivals.body.groupSize).toBe(1);
      const { rows } = await pg.query('SELECT person_id FROM quarantine.screening_members WHERE plan_id = $1', [
        arrivals.body.id,
      ]);
      expect(rows.map((r) => r.person_id)).toEqual([ids.arrivalA]);
    });

    it("gives the committee figures of the caller's areas only", async () => {
      expect((await as(qA)('GET', `/stats/committee?area=${B.commune}`)).status).toBe(404);
      const mine = await as(qA)('GET', '/stats/committee');
      expect(mine.status).toBe(200);
      expect(mine.body.areas.map((a: { areaCode: string }) => a.areaCode).sort()).toEqual([A.commune, A.district]);
      const district = mine.body.areas.find((a: { areaCode: string }) => a.areaCode === A.district);
      expect(district.arrivals.total).toBe(1);
      const b = await http(quarantine.url, 'GET', `/stats/committee?area=${B.district}`, { token: tracerB });
      expect(b.body.areas[0].arrivals.total).toBe(1);
    });
  });

  describe('ops service', () => {
    it("gives a tracer the care figures of their areas only, and ops every area's", async () => {
      const figures = async (token: string) =>
        (await http(ops.url, 'GET', `/stats/care?day=${today()}`, { token })).body.areas as {
          areaCode: string;
          isolatedAtHome: number;
          isolatedInFacilities: number;
          waitingForBed: number;
        }[];
      const isolated = (a?: { isolatedAtHome: number; isolatedInFacilities: number; waitingForBed: number }) =>
        a ? a.isolatedAtHome + a.isolatedInFacilities + a.waitingForBed : 0;
      const a = await figures(tracerA);
      expect(a.map((x) => x.areaCode)).toEqual([A.commune]);
      expect(isolated(a[0])).toBe(1);
      const b = await figures(tracerB);
      expect(b.map((x) => x.areaCode)).toEqual([B.commune]);
      const all = await figures(opsNoAreas);
      expect(all.map((x) => x.areaCode)).toEqual(expect.arrayContaining([A.commune, B.commune]));
    });

    it("answers 404 for another area's weekly report", async () => {
      const report = (area: string, token: string) => raw(ops, `/reports/weekly.html?area=${area}`, token);
      expect((await report(B.district, tracerA)).status).toBe(404);
      const own = await report(A.district, tracerA);
      expect(own.status).toBe(200);
      expect(own.bytes.toString()).toContain('Tây Giang');
    });
  });
});
