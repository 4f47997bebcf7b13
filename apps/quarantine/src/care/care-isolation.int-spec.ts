import { Topics } from '@ct/contracts';
import { ControllableClock } from '@ct/platform/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { careService } from '../../../../test/support/care';
import { eventually, http, TestService } from '../../../../test/support/services';
import { CarePassJob } from './care-pass/care-pass.job';

/** Isolation of cases through the real broker and database: placement, order independence, beds, release. */
describe('care pathway: isolation of cases', () => {
  let svc: TestService;
  let pg: Client;
  let pass: CarePassJob;
  const clock = new ControllableClock(new Date('2021-11-21T03:00:00Z'));
  const run = randomUUID().slice(0, 8);
  const AREA = `a-${run}`;
  const FACILITY = `tf-${run}`;
  const person = (name: string) => `p-${run}-${name}`;

  const care = careService({
    area: AREA,
    clock,
    topics: [Topics.CARE, Topics.QUARANTINE, Topics.TESTING],
    // Large until the backlog is handled: its cases (other areas) take a bed anywhere when theirs are full.
    facilities: [{ id: FACILITY, name: 'Tam Ky', areaCode: AREA, capacity: 1000 }],
  });
  const { publish, events, profile, confirm } = care;

  beforeAll(async () => {
    ({ svc, pg, pass } = care);
    // Then two free beds and nobody waiting for one, whatever earlier files left: a capacity change
    // first gives a bed to anyone still waiting, the second leaves two beds beyond those taken.
    const setCapacity = (capacity: number) =>
      http(svc.url, 'PUT', `/care/facilities/${FACILITY}`, {
        role: 'admin',
        body: { name: 'Tam Ky', areaCode: AREA, capacity },
      });
    expect((await setCapacity(1000)).status).toBe(200);
    const { body } = await http(svc.url, 'GET', '/care/facilities', { role: 'ops' });
    expect(body.waiting).toBe(0);
    const taken = body.items.find((f: { id: string }) => f.id === FACILITY).occupied as number;
    expect((await setCapacity(taken + 2)).status).toBe(200);
  });
  const eligible = (personId: string, ok = true) =>
    http(svc.url, 'PUT', `/persons/${personId}/home-eligibility`, {
      role: 'quarantine',
      body: { separateRoom: ok, noHighRiskMember: true, reachableDaily: true },
    });
  const isolation = (personId: string) =>
    pg
      .query(
        `SELECT kind, facility_id, needs_bed, status, end_reason FROM quarantine.isolations WHERE person_id = $1`,
        [personId],
      )
      .then((r) => r.rows[0]);

  it('isolates at home by policy and in a facility otherwise; the release test is on the worklist', async () => {
    const home = person('home');
    const ward = person('ward');
    await profile(home);
    expect((await eligible(home)).status).toBe(200);
    await profile(ward, { ageBand: 'OVER_50', underlyingCondition: true });
    await eventually('facts stored', async () => {
      const r = await pg.query('SELECT count(*)::int AS n FROM quarantine.person_profiles WHERE person_id = ANY($1)', [
        [home, ward],
      ]);
      return r.rows[0].n === 2;
    });
    await confirm(home);
    await confirm(ward);
    const [h] = await events(Topics.CARE, 'IsolationOrdered', home);
    expect(h).toMatchObject({
      kind: 'HOME',
      facilityId: null,
      needsBed: false,
      firstDay: '2021-11-21',
      plannedEndOn: '2021-12-01',
      testDays: [10],
    });
    const [w] = await events(Topics.CARE, 'IsolationOrdered', ward);
    expect(w).toMatchObject({ kind: 'TREATMENT_FACILITY', facilityId: FACILITY, needsBed: false });
    const [t] = await events(Topics.TESTING, 'TestScheduled', home);
    expect(t).toMatchObject({ dueOn: '2021-12-01', quarantineId: null });
    const list = await http(svc.url, 'GET', `/tests?due=2021-12-01`, { role: 'quarantine' });
    expect(list.body.items.find((i: { personId: string }) => i.personId === home)).toMatchObject({
      purpose: 'ISOLATION',
    });
  });

  it('ends in the same place whichever of case, facts and home eligibility arrives first', async () => {
    const first = person('facts-first');
    const last = person('facts-last');
    await profile(first);
    await eligible(first);
    await eventually(
      'facts stored',
      async () =>
        (await pg.query('SELECT 1 FROM quarantine.person_profiles WHERE person_id = $1', [first])).rowCount === 1,
    );
    await confirm(first);
    await confirm(last);
    await events(Topics.CARE, 'IsolationOrdered', last);
    await profile(last);
    await eligible(last);
    const [moved] = await events(Topics.CARE, 'IsolationTransferred', last);
    expect(moved).toMatchObject({
      previousKind: 'TREATMENT_FACILITY',
      kind: 'HOME',
      reason: 'REASSESSED',
      facilityId: null,
    });
    await events(Topics.CARE, 'IsolationOrdered', first);
    expect(await isolation(first)).toEqual(await isolation(last));
    expect(await isolation(last)).toMatchObject({
      kind: 'HOME',
      facility_id: null,
      needs_bed: false,
      status: 'ACTIVE',
    });
  });

  it('lists people waiting for a bed when every facility is full, and gives them a bed when one is added', async () => {
    // Every facility full: other test files' facilities (other areas) are filled to what they hold,
    // and given their capacity back at the end, so that later files find beds as they left them.
    type Facility = { id: string; name: string; areaCode: string; capacity: number; occupied: number };
    const others = ((await http(svc.url, 'GET', '/care/facilities', { role: 'ops' })).body.items as Facility[]).filter(
      (f) => f.areaCode !== AREA,
    );
    const setCapacity = (f: Facility, capacity: number) =>
      http(svc.url, 'PUT', `/care/facilities/${f.id}`, {
        role: 'admin',
        body: { name: f.name, areaCode: f.areaCode, capacity },
      });
    for (const f of others) await setCapacity(f, f.occupied);
    try {
      const waiting = [person('wait-1'), person('wait-2')];
      for (const p of waiting) await confirm(p);
      const orders = await Promise.all(waiting.map(async (p) => (await events(Topics.CARE, 'IsolationOrdered', p))[0]));
      expect(orders.filter((o) => o.needsBed)).toHaveLength(1); // two free beds: the ward above holds one
      const list = await http(svc.url, 'GET', `/isolations?area=${AREA}&needsBed=true`, { role: 'quarantine' });
      expect(list.status).toBe(200);
      const needy = orders.find((o) => o.needsBed);
      expect(list.body.items.map((i: { personId: string }) => i.personId)).toEqual([needy.personId]);
      expect((await http(svc.url, 'GET', '/isolations?needsBed=perhaps', { role: 'quarantine' })).status).toBe(400);
      const put = await http(svc.url, 'PUT', `/care/facilities/${FACILITY}-2`, {
        role: 'admin',
        body: { name: 'Tam Ky 2', areaCode: AREA, capacity: 5 },
      });
      expect(put.body).toMatchObject({ assigned: 1 });
      const [moved] = await events(Topics.CARE, 'IsolationTransferred', needy.personId);
      expect(moved).toMatchObject({ reason: 'BED_ASSIGNED', facilityId: `${FACILITY}-2`, needsBed: false });
      const bad = await http(svc.url, 'PUT', `/care/facilities/x`, {
        role: 'admin',
        body: { name: 'x', areaCode: AREA, capacity: -1 },
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('capacity');
      expect((await http(svc.url, 'PUT', `/care/facilities/x`, { role: 'quarantine', body: {} })).status).toBe(403);
    } finally {
      for (const f of others) await setCapacity(f, f.capacity);
    }
  });

  it('releases after the minimum days and a negative test (a positive one is retested); CaseClosed ends another', async () => {
    const p = person('home');
    const [test] = (
      await pg.query(`SELECT id FROM quarantine.tests WHERE person_id = $1 AND status = 'SCHEDULED'`, [p])
    ).rows;
    clock.set('2021-12-01T02:00:00Z');
    const positive = await http(svc.url, 'POST', `/tests/${test.id}/result`, {
      role: 'quarantine',
      body: { result: 'POSITIVE', testType: 'RAPID_ANTIGEN', sampleTakenAt: '2021-12-01T01:00:00Z' },
    });
    expect(positive.status).toBe(200);
    expect((await pass.run()).retests).toBeGreaterThanOrEqual(1);
    const [retest] = await events(Topics.TESTING, 'TestScheduled', p, 2).then((e) => e.slice(1));
    expect(retest.dueOn).toBe('2021-12-04');
    expect((await isolation(p)).status).toBe('ACTIVE');
    clock.set('2021-12-04T02:00:00Z');
    await http(svc.url, 'POST', `/tests/${retest.testId}/result`, {
      role: 'quarantine',
      body: { result: 'NEGATIVE', testType: 'PCR', sampleTakenAt: '2021-12-04T01:00:00Z' },
    });
    await pass.run();
    const [ended] = await events(Topics.CARE, 'IsolationEnded', p);
    expect(ended).toMatchObject({ reason: 'RELEASED', releaseTestId: retest.testId });

    const closed = person('ward');
    const { rows } = await pg.query('SELECT case_id FROM quarantine.isolations WHERE person_id = $1', [closed]);
    await publish('CaseClosed', {
      caseId: rows[0].case_id,
      personId: closed,
      closedAt: clock.now().toISOString(),
      outcome: 'RECOVERED',
    });
    const [recovered] = await events(Topics.CARE, 'IsolationEnded', closed);
    expect(recovered).toMatchObject({ reason: 'RECOVERED', facilityId: FACILITY });
  });
});
