import { Topics } from '@ct/contracts';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { db, http, startService, tap, TestService } from '../support/services';

/** The cases service's HTTP API against the real database and broker: persons, areas, cases, investigations, audit. */
describe('cases API', () => {
  let cases: TestService;
  let pg: Client;
  let topics: TopicTap;
  const run = randomUUID().slice(0, 8);
  let seq = 0;
  // Unique identity per call, so reruns against the same database never collide.
  const uniquePhone = () => `09${String(Date.now() % 1e7).padStart(7, '0')}${++seq % 10}`;
  const uniqueId = () => `0${String(Date.now()).slice(-9)}${String(++seq).padStart(2, '0')}`;
  const tracer = (method: string, path: string, body?: unknown) =>
    http(cases.url, method, path, { role: 'tracer', body });
  const fields = (res: { body: { details?: { field: string }[] } }) =>
    (res.body.details ?? []).map((d) => d.field).sort();

  beforeAll(async () => {
    topics = await tap([Topics.CASES]);
    cases = await startService(CasesService);
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([cases?.close(), topics?.close(), pg?.end()]);
  });

  describe('areas', () => {
    it('lists the sample province with districts and communes, for tracers and ops but not feeds', async () => {
      const res = await tracer('GET', '/areas');
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: '49', level: 'province', parentCode: null }),
          expect.objectContaining({ code: '502', level: 'district', parentCode: '49' }),
        ]),
      );
      expect((await http(cases.url, 'GET', '/areas', { role: 'ops' })).status).toBe(200);
      expect((await http(cases.url, 'GET', '/areas', { role: 'feed' })).status).toBe(403);
    });
  });

  describe('persons', () => {
    it('registers a person with a PC-COVID id, normalizes the phone, publishes PersonProfileChanged without identity data', async () => {
      const personId = `pc-${randomUUID()}`;
      const phone = uniquePhone();
      const res = await tracer('POST', '/persons', {
        personId,
        fullName: `Trần Thị ${run}`,
        phone: `${phone.slice(0, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`,
        nationalId: uniqueId(),
        dateOfBirth: '1985-03-02',
        address: '12 Phan Chu Trinh',
        areaCode: '20290',
        vaccination: { doses: 2, lastDoseAt: '2021-09-01T00:00:00Z' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        personId,
        phone: `+84${phone.slice(1)}`,
        areaCode: '20290',
        vaccination: { doses: 2, lastDoseAt: '2021-09-01T00:00:00.000Z' },
      });

      const [msg] = await topics.waitFor(
        (m) => m.key?.toString() === personId && String(m.headers?.ce_type) === 'PersonProfileChanged',
      );
      const payload = JSON.parse(msg.value!.toString());
      expect(payload).toEqual({
        personId,
        areaCode: '20290',
        vaccineDoses: 2,
        lastDoseAt: '2021-09-01T00:00:00.000Z',
        recoveredAt: null,
        // Care pathway facts (issue 16): an age band from the date of birth, never the date itself.
        ageBand: '1_TO_50',
        underlyingCondition: null,
        pregnant: null,
        changedAt: expect.any(String),
      });

      const got = await tracer('GET', `/persons/${personId}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ personId, fullName: `Trần Thị ${run}`, dateOfBirth: '1985-03-02' });
    });

    it('generates a personId for people without the app', async () => {
      const res = await tracer('POST', '/persons', { fullName: 'Lê Văn B', areaCode: '49' });
      expect(res.status).toBe(201);
      expect(res.body.personId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers 409 with the existing personId for a duplicate phone (any written form) or national ID', async () => {
      const phone = uniquePhone();
      const nationalId = uniqueId();
      const first = await tracer('POST', '/persons', { fullName: 'A', phone, nationalId, areaCode: '49' });
      expect(first.status).toBe(201);
      const samePhone = await tracer('POST', '/persons', {
        fullName: 'B',
        phone: `+84 ${phone.slice(1)}`,
        areaCode: '49',
      });
      expect(samePhone.status).toBe(409);
      expect(samePhone.body).toMatchObject({
        code: 'PERSON.DUPLICATE',
        existingPersonId: first.body.personId,
        fields: ['phone'],
      });
      const sameId = await tracer('POST', '/persons', { fullName: 'C', nationalId: ` ${nationalId} `, areaCode: '49' });
      expect(sameId.status).toBe(409);
      expect(sameId.body).toMatchObject({ existingPersonId: first.body.personId, fields: ['nationalId'] });
      const sameAccount = await tracer('POST', '/persons', {
        personId: first.body.personId,
        fullName: 'D',
        areaCode: '49',
      });
      expect(sameAccount.status).toBe(409);
      expect(sameAccount.body).toMatchObject({ code: 'PERSON.EXISTS', existingPersonId: first.body.personId });

      const other = await tracer('POST', '/persons', { fullName: 'E', areaCode: '49' });
      const stolen = await tracer('PATCH', `/persons/${other.body.personId}`, { phone });
      expect(stolen.status).toBe(409);
      expect(stolen.body.existingPersonId).toBe(first.body.personId);
    });

    it('finds persons by phone or national ID, and 400 without either', async () => {
      const phone = uniquePhone();
      const nationalId = uniqueId();
      const p = await tracer('POST', '/persons', { fullName: 'F', phone, nationalId, areaCode: '49' });
      const byPhone = await tracer('GET', `/persons?phone=${encodeURIComponent(`+84${phone.slice(1)}`)}`);
      expect(byPhone.status).toBe(200);
      expect(byPhone.body.items.map((i: { personId: string }) => i.personId)).toEqual([p.body.personId]);
      const byId = await tracer('GET', `/persons?nationalId=${nationalId}`);
      expect(byId.body.items).toHaveLength(1);
      const none = await tracer('GET', '/persons?nationalId=999999999999');
      expect(none.body.items).toEqual([]);
      const bad = await tracer('GET', '/persons');
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['nationalId', 'phone']);
    });

    it('updates a person, publishing a profile change only when area, vaccination or recovery changed', async () => {
      const p = await tracer('POST', '/persons', { fullName: 'G', areaCode: '49' });
      const personId = p.body.personId;
      await topics.waitFor((m) => m.key?.toString() === personId);
      const renamed = await tracer('PATCH', `/persons/${personId}`, { fullName: 'G2', address: 'x' });
      expect(renamed.status).toBe(200);
      const vaccinated = await tracer('PATCH', `/persons/${personId}`, {
        vaccination: { doses: 1, lastDoseAt: '2021-10-01T00:00:00Z' },
      });
      expect(vaccinated.body).toMatchObject({ fullName: 'G2', vaccination: { doses: 1 } });
      const msgs = await topics.waitFor((m) => m.key?.toString() === personId, 2);
      expect(msgs.map((m) => JSON.parse(m.value!.toString()).vaccineDoses)).toEqual([0, 1]);
      expect((await tracer('PATCH', '/persons/nobody', { fullName: 'x' })).status).toBe(404);
      expect((await tracer('GET', '/persons/nobody')).status).toBe(404);
    });

    it('answers 400 naming every bad field', async () => {
      const res = await tracer('POST', '/persons', {
        fullName: 'H',
        phone: 'call me maybe',
        nationalId: '1',
        dateOfBirth: '2099-01-01',
        areaCode: '79',
        vaccination: { doses: 0, lastDoseAt: '2099-01-01T00:00:00Z' },
        recoveredAt: '2099-01-01T00:00:00Z',
      });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual([
        'areaCode',
        'dateOfBirth',
        'nationalId',
        'phone',
        'recoveredAt',
        'vaccination.lastDoseAt',
      ]);
      const shape = await tracer('POST', '/persons', {
        fullName: 5,
        areaCode: '49',
        vaccination: { doses: -1 },
        dateOfBirth: '2 May',
      });
      expect(shape.status).toBe(400);
      expect(fields(shape)).toEqual(['dateOfBirth', 'fullName', 'vaccination.doses']);
    });
  });

  describe('cases', () => {
    async function person(areaCode = '20290') {
      return (await tracer('POST', '/persons', { fullName: 'Case person', areaCode })).body.personId as string;
    }

    it("confirms a case in the person's area, opens its investigation, publishes CaseConfirmed, and refuses a second open case", async () => {
      const personId = await person();
      const res = await tracer('POST', '/cases', {
        personId,
        confirmedAt: '2021-11-20T08:00:00Z',
        symptomOnsetAt: '2021-11-18T08:00:00Z',
        testType: 'PCR',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ personId, status: 'OPEN', areaCode: '20290' });
      const [msg] = await topics.waitFor(
        (m) => m.key?.toString() === personId && String(m.headers?.ce_type) === 'CaseConfirmed',
      );
      expect(JSON.parse(msg.value!.toString())).toMatchObject({
        caseId: res.body.caseId,
        areaCode: '20290',
        origin: 'INVESTIGATION',
        sourceTestId: null,
      });

      const inv = await tracer('GET', `/cases/${res.body.caseId}/investigation`);
      expect(inv.status).toBe(200);
      expect(inv.body).toMatchObject({
        caseId: res.body.caseId,
        status: 'open',
        assignedTeam: null,
        declaredContacts: 0,
      });

      const again = await tracer('POST', '/cases', { personId, confirmedAt: '2021-11-21T08:00:00Z', testType: 'PCR' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'CASE.ALREADY_OPEN', caseId: res.body.caseId });
    });

    it('needs areaCode for a personId not registered here (404 without it)', async () => {
      const unknown = `pc-${randomUUID()}`;
      const res = await tracer('POST', '/cases', {
        personId: unknown,
        confirmedAt: '2021-11-20T08:00:00Z',
        testType: 'PCR',
      });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('PERSON.NOT_FOUND');
      expect(
        (
          await tracer('POST', '/cases', {
            personId: unknown,
            confirmedAt: '2021-11-20T08:00:00Z',
            testType: 'PCR',
            areaCode: '503',
          })
        ).status,
      ).toBe(201);
    });

    it('answers 400 naming future dates, onset after confirmation and unknown areas', async () => {
      const personId = await person();
      const res = await tracer('POST', '/cases', {
        personId,
        confirmedAt: '2099-01-01T00:00:00Z',
        symptomOnsetAt: '2099-02-01T00:00:00Z',
        sampleTakenAt: '2021-01-01T00:00:00Z',
        testType: 'PCR',
        areaCode: '00000',
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('CASE.INVALID');
      expect(fields(res)).toEqual(['areaCode', 'confirmedAt', 'symptomOnsetAt']);
      const onset = await tracer('POST', '/cases', {
        personId,
        confirmedAt: '2021-11-20T08:00:00Z',
        symptomOnsetAt: '2021-11-21T08:00:00Z',
        testType: 'PCR',
      });
      expect(fields(onset)).toEqual(['symptomOnsetAt']);
    });

    it('lists cases by area (with sub-areas), status and date range, paginated with the total', async () => {
      const day = `2021-0${1 + (Date.now() % 9)}`;
      const ids: string[] = [];
      for (const [area, d] of [
        ['20335', '01'],
        ['20338', '02'],
        ['20335', '03'],
        ['20557', '04'],
      ] as const) {
        const personId = await person(area);
        const r = await tracer('POST', '/cases', {
          personId,
          confirmedAt: `${day}-${d}T08:00:00Z`,
          testType: 'RAPID_ANTIGEN',
        });
        expect(r.status).toBe(201);
        ids.push(r.body.caseId);
      }
      const range = `from=${day}-01T00:00:00Z&to=${day}-05T00:00:00Z`;
      const district = await tracer('GET', `/cases?area=503&${range}&pageSize=2`);
      expect(district.status).toBe(200);
      expect(district.body).toMatchObject({ page: 1, pageSize: 2, total: expect.any(Number) });
      expect(district.body.total).toBeGreaterThanOrEqual(3);
      const mine = await tracer('GET', `/cases?area=503&${range}&pageSize=500`);
      const found = mine.body.items.map((c: { caseId: string }) => c.caseId);
      expect(found).toEqual(expect.arrayContaining([ids[0], ids[1], ids[2]]));
      expect(found).not.toContain(ids[3]);
      const page2 = await tracer('GET', `/cases?area=503&${range}&pageSize=2&page=2`);
      expect(page2.body.items.length).toBe(Math.min(2, district.body.total - 2));
      expect(page2.body.items[0].caseId).not.toBe(district.body.items[0].caseId);

      const closedNone = await tracer('GET', `/cases?area=20557&status=CLOSED&${range}`);
      expect(closedNone.body.items.map((c: { caseId: string }) => c.caseId)).not.toContain(ids[3]);
      const bad = await tracer('GET', '/cases?area=79&status=MAYBE&pageSize=0');
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['pageSize', 'status']);
      const badArea = await tracer('GET', '/cases?area=79');
      expect(fields(badArea)).toEqual(['area']);
    });

    it('closes a case as recovered: CaseClosed, investigation closed, person recovered; a second close is 409', async () => {
      const personId = await person();
      const c = await tracer('POST', '/cases', { personId, confirmedAt: '2021-11-20T08:00:00Z', testType: 'PCR' });
      const early = await tracer('POST', `/cases/${c.body.caseId}/close`, {
        outcome: 'recovered',
        closedAt: '2021-11-19T00:00:00Z',
      });
      expect(early.status).toBe(400);
      expect(fields(early)).toEqual(['closedAt']);
      const closed = await tracer('POST', `/cases/${c.body.caseId}/close`, {
        outcome: 'recovered',
        closedAt: '2021-12-01T08:00:00Z',
      });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({
        status: 'CLOSED',
        outcome: 'RECOVERED',
        closedAt: '2021-12-01T08:00:00.000Z',
      });
      const [msg] = await topics.waitFor(
        (m) => m.key?.toString() === personId && String(m.headers?.ce_type) === 'CaseClosed',
      );
      expect(JSON.parse(msg.value!.toString())).toEqual({
        caseId: c.body.caseId,
        personId,
        closedAt: '2021-12-01T08:00:00.000Z',
        outcome: 'RECOVERED',
      });
      const profiles = await topics.waitFor(
        (m) => m.key?.toString() === personId && String(m.headers?.ce_type) === 'PersonProfileChanged',
        2,
      );
      expect(JSON.parse(profiles[1].value!.toString()).recoveredAt).toBe('2021-12-01T08:00:00.000Z');
      expect((await tracer('GET', `/cases/${c.body.caseId}/investigation`)).body).toMatchObject({
        status: 'closed',
        closedAt: expect.any(String),
      });
      expect(
        (
          await tracer('POST', `/cases/${c.body.caseId}/close`, {
            outcome: 'deceased',
            closedAt: '2021-12-02T08:00:00Z',
          })
        ).status,
      ).toBe(409);
      // A new episode after the first closed.
      expect(
        (await tracer('POST', '/cases', { personId, confirmedAt: '2021-12-20T08:00:00Z', testType: 'PCR' })).status,
      ).toBe(201);
      expect((await tracer('GET', `/cases/${randomUUID()}`)).status).toBe(404);
      expect(
        (
          await tracer('POST', `/cases/${randomUUID()}/close`, {
            outcome: 'recovered',
            closedAt: '2021-12-01T08:00:00Z',
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('investigations and declared contacts', () => {
    it('assigns a team, records household contacts (new and existing persons), publishes ContactDeclared, lists them', async () => {
      const f0 = (await tracer('POST', '/persons', { fullName: 'F0 person', areaCode: '20290' })).body.personId;
      const c = (await tracer('POST', '/cases', { personId: f0, confirmedAt: '2021-11-20T08:00:00Z', testType: 'PCR' }))
        .body;
      const inv = await tracer('PATCH', `/cases/${c.caseId}/investigation`, {
        assignedTeam: 'Tam Kỳ team 3',
        notes: 'interviewed by phone',
      });
      expect(inv.status).toBe(200);
      expect(inv.body).toMatchObject({ assignedTeam: 'Tam Kỳ team 3', notes: 'interviewed by phone', status: 'open' });

      const spouse = await tracer('POST', `/cases/${c.caseId}/contacts`, {
        person: { fullName: 'Spouse', phone: uniquePhone(), areaCode: '20290' },
        kind: 'HOUSEHOLD',
        startedAt: '2021-11-18T00:00:00Z',
        endedAt: '2021-11-20T08:00:00Z',
      });
      expect(spouse.status).toBe(201);
      expect(spouse.body).toMatchObject({ caseId: c.caseId, sourcePersonId: f0, kind: 'HOUSEHOLD' });
      expect((await tracer('GET', `/persons/${spouse.body.personId}`)).body.fullName).toBe('Spouse');

      const colleague = (await tracer('POST', '/persons', { fullName: 'Colleague', areaCode: '502' })).body.personId;
      const declared = await tracer('POST', `/cases/${c.caseId}/contacts`, {
        personId: colleague,
        kind: 'DECLARED',
        startedAt: '2021-11-19T08:00:00Z',
        endedAt: '2021-11-19T17:00:00Z',
      });
      expect(declared.status).toBe(201);

      const events = await topics.waitFor(
        (m) => m.key?.toString() === f0 && String(m.headers?.ce_type) === 'ContactDeclared',
        2,
      );
      expect(events.map((m) => JSON.parse(m.value!.toString()))).toEqual([
        {
          declarationId: spouse.body.declarationId,
          caseId: c.caseId,
          sourcePersonId: f0,
          personId: spouse.body.personId,
          kind: 'HOUSEHOLD',
          startedAt: '2021-11-18T00:00:00.000Z',
          endedAt: '2021-11-20T08:00:00.000Z',
          declaredAt: expect.any(String),
        },
        expect.objectContaining({ personId: colleague, kind: 'DECLARED' }),
      ]);

      const list = await tracer('GET', `/cases/${c.caseId}/declared-contacts`);
      expect(list.body.items.map((d: { personId: string }) => d.personId)).toEqual([spouse.body.personId, colleague]);
      expect(list.body.truncated).toBe(false);
      expect((await tracer('GET', `/cases/${c.caseId}/investigation`)).body.declaredContacts).toBe(2);

      const twice = await tracer('POST', `/cases/${c.caseId}/contacts`, {
        personId: colleague,
        kind: 'DECLARED',
        startedAt: '2021-11-19T08:00:00Z',
        endedAt: '2021-11-19T17:00:00Z',
      });
      expect(twice.status).toBe(409);
      expect(twice.body).toMatchObject({
        code: 'CONTACT.ALREADY_DECLARED',
        declarationId: declared.body.declarationId,
      });
    });

    it('answers 400/404 for bad contacts and does not declare on a closed case', async () => {
      const f0 = (await tracer('POST', '/persons', { fullName: 'F0', areaCode: '49' })).body.personId;
      const c = (await tracer('POST', '/cases', { personId: f0, confirmedAt: '2021-11-20T08:00:00Z', testType: 'PCR' }))
        .body;
      const self = await tracer('POST', `/cases/${c.caseId}/contacts`, {
        personId: f0,
        kind: 'HOUSEHOLD',
        startedAt: '2021-11-20T00:00:00Z',
        endedAt: '2021-11-19T00:00:00Z',
      });
      expect(self.status).toBe(400);
      expect(fields(self)).toEqual(['endedAt', 'personId']);
      const both = await tracer('POST', `/cases/${c.caseId}/contacts`, {
        kind: 'HOUSEHOLD',
        startedAt: '2021-11-19T00:00:00Z',
        endedAt: '2021-11-19T01:00:00Z',
      });
      expect(fields(both)).toEqual(['person', 'personId']);
      const badPerson = await tracer('POST', `/cases/${c.caseId}/contacts`, {
        person: { fullName: 'X', areaCode: '1', phone: 'nope' },
        kind: 'HOUSEHOLD',
        startedAt: '2021-11-19T00:00:00Z',
        endedAt: '2021-11-19T01:00:00Z',
      });
      expect(badPerson.status).toBe(400);
      expect(fields(badPerson)).toEqual(['person.areaCode', 'person.phone']);
      const unknown = await tracer('POST', `/cases/${c.caseId}/contacts`, {
        personId: 'nobody-here',
        kind: 'DECLARED',
        startedAt: '2021-11-19T00:00:00Z',
        endedAt: '2021-11-19T01:00:00Z',
      });
      expect(unknown.status).toBe(404);
      await tracer('POST', `/cases/${c.caseId}/close`, { outcome: 'deceased', closedAt: '2021-11-25T00:00:00Z' });
      const late = await tracer('POST', `/cases/${c.caseId}/contacts`, {
        person: { fullName: 'Y', areaCode: '49' },
        kind: 'DECLARED',
        startedAt: '2021-11-19T00:00:00Z',
        endedAt: '2021-11-19T01:00:00Z',
      });
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('CASE.NOT_OPEN');
    });
  });

  describe('audit', () => {
    it('records every read and change of identity data (who, role, action, field names) and lists it for admins only', async () => {
      const reader = 'tracer-audit-' + run;
      const token = (await import('../support/services')).tokenFor('tracer', reader);
      const phone = uniquePhone();
      const p = await http(cases.url, 'POST', '/persons', {
        token,
        body: { fullName: 'Audited', phone, areaCode: '49' },
      });
      await http(cases.url, 'GET', `/persons/${p.body.personId}`, { token });
      await http(cases.url, 'PATCH', `/persons/${p.body.personId}`, { token, body: { address: 'new' } });
      await http(cases.url, 'GET', `/persons?phone=${phone}`, { token });

      expect((await tracer('GET', `/audit?personId=${p.body.personId}`)).status).toBe(403);
      const log = await http(cases.url, 'GET', `/audit?personId=${p.body.personId}`, { role: 'admin' });
      expect(log.status).toBe(200);
      expect(log.body.total).toBe(4);
      expect(log.body.items.map((i: { action: string }) => i.action)).toEqual(['LOOKUP', 'UPDATE', 'READ', 'REGISTER']);
      expect(log.body.items[0]).toMatchObject({
        subject: reader,
        roles: ['tracer'],
        personId: p.body.personId,
        fields: expect.arrayContaining(['phone']),
      });
      expect(log.body.items[1].fields).toEqual(['address']);
      expect(log.body.items[3].fields.sort()).toEqual(['areaCode', 'fullName', 'phone']);
      expect(JSON.stringify(log.body)).not.toContain(phone.slice(1));
      const paged = await http(cases.url, 'GET', `/audit?personId=${p.body.personId}&pageSize=1&page=2`, {
        role: 'admin',
      });
      expect(paged.body.items.map((i: { action: string }) => i.action)).toEqual(['UPDATE']);
    });
  });

  describe('strict inputs', () => {
    it.each([
      ['NUL in a name', 'POST', '/persons', { fullName: 'Nguyễn\u0000Văn A', areaCode: '49' }, 'fullName'],
      [
        'a line break in an id the event contract refuses',
        'POST',
        '/cases',
        { personId: 'p\n1', confirmedAt: '2021-11-20T08:00:00Z', testType: 'PCR', areaCode: '49' },
        'personId',
      ],
      [
        'a line break in an area code',
        'POST',
        '/cases',
        { personId: `p-${run}-strict`, confirmedAt: '2021-11-20T08:00:00Z', testType: 'PCR', areaCode: '4\n9' },
        'areaCode',
      ],
      [
        'a UTC offset of +16:30',
        'POST',
        '/cases',
        { personId: `p-${run}-strict`, confirmedAt: '2021-11-20T08:00:00+16:30', testType: 'PCR', areaCode: '49' },
        'confirmedAt',
      ],
      ['a week date', 'GET', '/cases?from=2021-W47-1T00:00:00Z', undefined, 'from'],
      ['page=1e308', 'GET', '/cases?page=1e308', undefined, 'page'],
      ['a line break in a path id', 'GET', '/persons/p%0A1/status', undefined, 'id'],
      ['a query parameter with a tab', 'GET', '/persons?phone=0905%09123456', undefined, 'phone'],
      ['a case id that is not a UUID', 'GET', '/cases/not-a-uuid', undefined, 'id'],
      [
        'a body nested 100 deep',
        'PATCH',
        '/persons/p-1',
        JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`),
        'a.a.a',
      ],
    ])('%s: 400 naming the field', async (_what, method, path, body, field) => {
      const res = await tracer(method, path, body);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(
        expect.arrayContaining([expect.stringContaining(field)]),
      );
    });
  });
});
