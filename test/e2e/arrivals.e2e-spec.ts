import { Topics } from '@ct/contracts';
import { TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { OpsService } from '../../apps/ops/src/service';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { TEST_LOG_DIR } from '../support/env';
import { recordIdentities } from '../support/identities';
import { db, eventually, http, mint, startService, tap, TestService } from '../support/services';

/**
 * Arrivals (issue 18) through cases, ops and quarantine: the committee declares the levels of the
 * origins (ops), a checkpoint registers arrivals (cases, one by one and as CSV), and quarantine
 * decides by the origin's level in force: level 4 quarantined like an F1, level 3 followed up with
 * tests on days 1 and 7, level 1 nothing; decisions published as ArrivalDecided.
 */
describe('arrivals: POST /arrivals and /arrivals.csv → the rule of the origin level', () => {
  let cases: TestService;
  let ops: TestService;
  let quarantine: TestService;
  let pg: Client;
  let topics: TopicTap;
  const run = randomUUID().slice(0, 8);
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  const hourAgo = () => new Date(Date.now() - 3600_000).toISOString();

  beforeAll(async () => {
    topics = await tap([Topics.QUARANTINE, Topics.CASES]);
    [cases, ops, quarantine] = await Promise.all([
      startService(CasesService),
      startService(OpsService),
      startService(QuarantineService, { QUARANTINE_RELEASE_INTERVAL_SECONDS: '0' }),
    ]);
    pg = await db();
    // Cases of earlier test files reassessed by ops now would be later changes than the declarations below.
    await eventually(
      'ops to have caught up on cases.v1',
      async () => {
        const r = await http(ops.url, 'GET', '/ops/lag', { role: 'ops' });
        const g = (r.body.groups as any[] | undefined)?.find((x) => x.group === 'ops');
        // No entry: the group never committed on cases.v1 (nothing consumed yet in this run).
        return (g?.topics.find((t: any) => t.topic === Topics.CASES)?.lag ?? 0) === 0;
      },
      60_000,
    );
  }, 180_000); // three services start here; under a loaded CI machine that alone can take a minute

  afterAll(async () => {
    await Promise.all([cases?.close(), ops?.close(), quarantine?.close(), topics?.close(), pg?.end()]);
  });

  const tracer = (method: string, path: string, body?: unknown) =>
    http(cases.url, method, path, { role: 'tracer', body });
  const decided = async (personId: string) => {
    const [m] = await topics.waitFor(
      (x: TappedMessage) =>
        x.topic === Topics.QUARANTINE &&
        x.key?.toString() === personId &&
        String(x.headers?.ce_type) === 'ArrivalDecided',
    );
    return JSON.parse(m.value!.toString());
  };
  const orderOf = async (personId: string) => {
    const [m] = await topics.waitFor(
      (x: TappedMessage) =>
        x.topic === Topics.QUARANTINE &&
        x.key?.toString() === personId &&
        String(x.headers?.ce_type) === 'QuarantineOrdered',
    );
    return JSON.parse(m.value!.toString());
  };
  /** The committee declares a level (ops) and quarantine has taken it in. */
  const declare = async (area: string, level: number) => {
    const r = await http(ops.url, 'PUT', `/areas/${area}/level`, {
      role: 'admin',
      body: { level, reason: `test ${run}` },
    });
    expect(r.status).toBe(200);
    await eventually(`quarantine to know level ${level} for ${area}`, async () => {
      const { rows } = await pg.query(
        `SELECT 1 FROM quarantine.area_levels WHERE area_code = $1 AND source = 'DECLARED' AND changed_at = $2`,
        [area, r.body.declaredAt],
      );
      return rows.length === 1;
    });
  };

  it('checks who may register an arrival and names the bad fields', async () => {
    const body = { personId: `p-${run}-x`, originAreaCode: '503', destinationAreaCode: '20290', arrivedAt: hourAgo() };
    expect((await http(cases.url, 'POST', '/arrivals', { role: 'quarantine', body })).status).toBe(403);
    const elsewhere = mint({ subject: 'tracer-dien-ban', roles: ['tracer'], areas: ['508'] });
    const scoped = await http(cases.url, 'POST', '/arrivals', { token: elsewhere, body });
    expect(scoped.status).toBe(403);
    expect(scoped.body.details.map((d: { field: string }) => d.field)).toEqual(['destinationAreaCode']);
    const both = await tracer('POST', '/arrivals', {
      ...body,
      person: { fullName: 'X', areaCode: '20290' },
      destinationAreaCode: 'nowhere',
      arrivedAt: '2099-01-01T00:00:00Z',
    });
    expect(both.status).toBe(400);
    expect(both.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'arrivedAt',
      'destinationAreaCode',
      'personId',
    ]);
    const shape = await tracer('POST', '/arrivals', { originAreaCode: '', arrivedAt: 'yesterday' });
    expect(shape.status).toBe(400);
    const unknown = await tracer('POST', '/arrivals', body);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('PERSON.NOT_FOUND');
  });

  it('quarantines an arrival from a level-4 area like an F1 and does nothing for one from a level-1 area', async () => {
    await declare('503', 4);
    await declare('508', 1);

    const red = await tracer('POST', '/arrivals', {
      person: { fullName: `Phạm Văn Arrival${run}`, phone: `09${digits(8)}`, areaCode: '20290' },
      originAreaCode: '503',
      destinationAreaCode: '20290',
      arrivedAt: hourAgo(),
      checkpoint: 'Chốt Bắc Hải Vân',
    });
    expect(red.status).toBe(201);
    expect(red.body).toMatchObject({ originAreaCode: '503', personRegistered: true });
    const redDecision = await decided(red.body.personId);
    expect(redDecision).toMatchObject({
      arrivalId: red.body.arrivalId,
      originLevel: 4,
      levelSource: 'DECLARED',
      action: 'QUARANTINE',
    });
    const order = await orderOf(red.body.personId);
    expect(order).toMatchObject({
      quarantineId: redDecision.quarantineId,
      sourceCaseId: red.body.arrivalId,
      degree: 1,
      testDays: [1, 7, 14],
    });
    const view = await http(quarantine.url, 'GET', `/quarantines/${order.quarantineId}`, { role: 'quarantine' });
    expect(view.body.history.find((h: { change: string }) => h.change === 'RULE').reason).toContain(
      'arrival from level 4 (DECLARED, area 503',
    );

    const registered = await tracer('POST', '/persons', { fullName: `Lê Thị Green${run}`, areaCode: '20290' });
    expect(registered.status).toBe(201);
    const green = await tracer('POST', '/arrivals', {
      personId: registered.body.personId,
      originAreaCode: '508',
      destinationAreaCode: '20290',
      arrivedAt: hourAgo(),
    });
    expect(green.status).toBe(201);
    expect(await decided(green.body.personId)).toMatchObject({ originLevel: 1, action: 'NONE', quarantineId: null });
    const { rows } = await pg.query('SELECT count(*)::int AS n FROM quarantine.quarantines WHERE person_id = $1', [
      green.body.personId,
    ]);
    expect(rows[0].n).toBe(0);

    // The committee sees the arrivals into the area by the level of their origin, and the rule in force.
    const stats = await http(quarantine.url, 'GET', '/stats/committee?area=20290', { role: 'ops' });
    expect(stats.status).toBe(200);
    expect(stats.body.areas[0].arrivals).toMatchObject({
      byOriginLevel: { '4': 1, '1': 1 },
      byAction: { QUARANTINE: 1, NONE: 1 },
    });
    expect(stats.body.areas[0].rule.name).toEqual(expect.any(String));
    const outside = mint({ subject: 'q-dien-ban', roles: ['quarantine'], areas: ['508'] });
    expect((await http(quarantine.url, 'GET', '/stats/committee?area=20290', { token: outside })).status).toBe(404);
  });

  it('takes a checkpoint CSV line by line: level 3 is followed up with tests on days 1 and 7; bad lines are named', async () => {
    await declare('20557', 3);
    const phone = `03${digits(8)}`;
    const persons = [
      { fullName: `Võ Văn Orange${run}`, phone },
      { fullName: `Someone Else${run}`, phone },
    ];
    recordIdentities(TEST_LOG_DIR, persons); // the CSV body is not JSON: its identities are recorded here
    const csv = [
      'fullName,phone,originAreaCode,destinationAreaCode,arrivedAt,checkpoint',
      `"${persons[0].fullName}",${phone},20557,20290,${hourAgo()},"Chốt ""Nam"" Hải Vân"`,
      `${persons[1].fullName},${phone},20557,20290,${hourAgo()},`,
      `"Nobody${run}",,20557,20290,not-a-time,`,
    ].join('\r\n');
    const r = await http(cases.url, 'POST', '/arrivals.csv', { role: 'tracer', raw: csv, contentType: 'text/csv' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 1, rejected: 2 });
    const [ok, dup, bad] = r.body.lines;
    expect(ok).toMatchObject({ line: 2, personRegistered: true });
    expect(dup).toMatchObject({
      line: 3,
      error: { code: 'PERSON.DUPLICATE', details: { existingPersonId: ok.personId } },
    });
    expect(bad).toMatchObject({ line: 4, error: { code: 'ARRIVAL.INVALID', details: [{ field: 'arrivedAt' }] } });

    expect(await decided(ok.personId)).toMatchObject({ originLevel: 3, action: 'FOLLOW_UP' });
    expect(await orderOf(ok.personId)).toMatchObject({ kind: 'SELF_MONITORING', testDays: [1, 7] });

    const header = await http(cases.url, 'POST', '/arrivals.csv', {
      role: 'tracer',
      raw: 'who,originAreaCode\n1,2\n',
      contentType: 'text/csv',
    });
    expect(header.status).toBe(400);
    expect(header.body.details.map((d: { field: string }) => d.field)).toEqual([
      'header.destinationAreaCode',
      'header.arrivedAt',
      'header.who',
    ]);
  });
});
