import { Topics } from '@ct/contracts';
import { EventPublisher, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { ServiceClock } from '@ct/platform';
import { ControllableClock } from '@ct/platform/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CarePassJob } from '../../apps/quarantine/src/care/care-pass/care-pass.job';
import { OpsService } from '../../apps/ops/src/service';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { careEvents } from '../support/care';
import { db, eventually, http, startService, tap, TestService } from '../support/services';

/**
 * The care pathway's "Done when" (issue 16), through the quarantine service's HTTP API and the
 * care.v1 events, with ops' figures (the dashboard's Care panel) from those events: a confirmed case
 * isolated at home by policy and another in a facility, both followed daily; the one at home
 * escalated to a facility on a warning sign and released after a negative test at day 10; a
 * quarantined F1 with fever tested the same day; an unreachable contact flagged lost to follow-up.
 * Days pass by the service clock and the daily care pass (what its timer runs), never by sleeping.
 */
describe('care pathway end to end: isolation, daily follow-up, escalation, release, lost to follow-up', () => {
  let quarantine: TestService;
  let ops: TestService;
  let pg: Client;
  let topics: TopicTap;
  let publisher: EventPublisher;
  let pass: CarePassJob;
  const run = randomUUID().slice(0, 8);
  const AREA = `e2e-care-${run}`;
  const FACILITY = `tf-e2e-${run}`;
  const person = (name: string) => `p-${run}-${name}`;
  const HOME = person('home'); // F0 treated at home
  const WARD = person('ward'); // F0 over 50 with an underlying disease: a treatment facility
  const F1 = person('f1'); // quarantined contact who gets a fever
  const GONE = person('gone'); // quarantined contact nobody reaches
  // 10:00 in Vietnam (UTC+7) on each day.
  const DAY = ['2021-12-06', '2021-12-07', '2021-12-08'];
  const at = (day: string) => `${day}T03:00:00Z`;
  const clock = new ControllableClock(new Date(at(DAY[0])));
  const links = new Map<string, string>(); // person → their self-report link's path, made on day 1

  beforeAll(async () => {
    topics = await tap([Topics.CARE, Topics.QUARANTINE, Topics.TESTING]);
    [quarantine, ops] = await Promise.all([
      startService(QuarantineService, {
        QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
        CARE_PASS_INTERVAL_SECONDS: '0',
        // Self-report links expire the day after the order's end: an extension shows at once.
        CARE_SELF_REPORT_GRACE_DAYS: '0',
        // Room for other files' cases too: a case whose own area has no free bed takes one anywhere,
        // and this service handles the earlier files' CaseConfirmed backlog as it joins.
        CARE_FACILITIES: JSON.stringify([{ id: FACILITY, name: 'Bệnh viện dã chiến', areaCode: AREA, capacity: 1000 }]),
      }),
      startService(OpsService),
    ]);
    quarantine.app.get(ServiceClock).use(clock);
    publisher = quarantine.app.get(EventPublisher);
    pass = quarantine.app.get(CarePassJob);
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([quarantine?.close(), ops?.close(), topics?.close(), pg?.end()]);
  });

  const { publish, events, profile, confirm } = careEvents({
    publisher: () => publisher,
    tap: () => topics,
    area: AREA,
    clock,
  });
  const staff = (method: string, path: string, body?: unknown) =>
    http(quarantine.url, method, path, { role: 'quarantine', body });
  const contact = (personId: string) =>
    publish('ContactIdentified', {
      contactId: randomUUID(),
      personId,
      sourcePersonId: WARD,
      sourceCaseId: randomUUID(),
      degree: 1,
      exposure: {
        kind: 'HOUSEHOLD',
        venueId: null,
        startedAt: '2021-12-05T10:00:00Z',
        endedAt: '2021-12-06T01:00:00Z',
      },
      lastExposureAt: '2021-12-06T01:00:00Z',
      identifiedAt: '2021-12-06T02:00:00Z',
    });
  const followUps = async (personId: string, due: string) => {
    const list = await staff('GET', `/follow-ups?due=${due}&area=${AREA}`);
    expect(list.status).toBe(200);
    return list.body.items.filter((i: { personId: string }) => i.personId === personId);
  };
  const record = async (personId: string, due: string, body: Record<string, unknown>) => {
    const [f] = (await followUps(personId, due)).filter((i: { status: string }) => i.status === 'DUE');
    expect(f).toBeDefined();
    const r = await staff('POST', `/follow-ups/${f.followUpId}`, body);
    expect(r.status).toBe(200);
    return r.body;
  };
  const normal = { status: 'DONE', temperatureC: 36.8, spo2: 98, symptoms: [] };
  const figures = async (day: string) => {
    const r = await http(ops.url, 'GET', `/stats/care?day=${day}`, { role: 'ops' });
    expect(r.status).toBe(200);
    return r.body.areas.find((a: { areaCode: string }) => a.areaCode === AREA);
  };

  it('day 1: isolates one case at home and one in a facility by policy, quarantines the contacts, lists their follow-ups', async () => {
    await profile(HOME);
    expect(
      (
        await staff('PUT', `/persons/${HOME}/home-eligibility`, {
          separateRoom: true,
          noHighRiskMember: true,
          reachableDaily: true,
        })
      ).status,
    ).toBe(200);
    await profile(WARD, { ageBand: 'OVER_50', underlyingCondition: true });
    for (const p of [F1, GONE]) await profile(p, { vaccineDoses: 2, lastDoseAt: '2021-09-01T00:00:00Z' });
    await eventually('the facts stored', async () => {
      const r = await pg.query('SELECT count(*)::int AS n FROM quarantine.person_profiles WHERE person_id = ANY($1)', [
        [HOME, WARD, F1, GONE],
      ]);
      return r.rows[0].n === 4;
    });
    await confirm(HOME);
    await confirm(WARD);
    await contact(F1);
    await contact(GONE);
    const [home] = await events(Topics.CARE, 'IsolationOrdered', HOME);
    expect(home).toMatchObject({
      kind: 'HOME',
      facilityId: null,
      firstDay: DAY[0],
      plannedEndOn: '2021-12-16',
      testDays: [10],
    });
    const [ward] = await events(Topics.CARE, 'IsolationOrdered', WARD);
    expect(ward).toMatchObject({ kind: 'TREATMENT_FACILITY', facilityId: FACILITY, needsBed: false });
    await events(Topics.QUARANTINE, 'QuarantineOrdered', F1);
    await events(Topics.QUARANTINE, 'QuarantineOrdered', GONE);

    expect((await pass.run()).today).toBe(DAY[0]);
    expect(await followUps(HOME, DAY[0])).toHaveLength(2); // a case at home: twice a day
    for (const p of [WARD, F1, GONE]) expect(await followUps(p, DAY[0])).toHaveLength(1);
    for (const p of [HOME, WARD]) {
      const link = await staff('POST', '/self-report-links', { personId: p });
      expect(link.body).toMatchObject({ subject: 'ISOLATION', expiresAt: '2021-12-16T17:00:00.000Z' });
      links.set(p, link.body.path);
    }
    const isolations = await staff('GET', `/isolations?area=${AREA}`);
    expect(isolations.status).toBe(200);
    expect(
      Object.fromEntries(isolations.body.items.map((i: { personId: string; kind: string }) => [i.personId, i.kind])),
    ).toEqual({ [HOME]: 'HOME', [WARD]: 'TREATMENT_FACILITY' });
  });

  it('day 1: follows everyone; a quarantined F1 with fever gets a test the same day; a contact is unreachable', async () => {
    expect(await record(HOME, DAY[0], normal)).toMatchObject({ warningSigns: [], escalation: null });
    await record(WARD, DAY[0], normal);
    const fever = await record(F1, DAY[0], { status: 'DONE', temperatureC: 38.2, spo2: 97, symptoms: ['FEVER'] });
    expect(fever.escalation).toMatchObject({ to: 'TEST_TODAY', testId: expect.any(String) });
    const [esc] = await events(Topics.CARE, 'CareEscalated', F1);
    expect(esc).toMatchObject({ from: 'QUARANTINE', to: 'TEST_TODAY', testId: fever.escalation.testId });
    const [scheduled] = await topics.waitFor(
      (m: TappedMessage) =>
        m.topic === Topics.TESTING && JSON.parse(m.value!.toString()).testId === fever.escalation.testId,
    );
    expect(JSON.parse(scheduled.value!.toString())).toMatchObject({ personId: F1, dueOn: DAY[0] });
    const worklist = await staff('GET', `/tests?due=${DAY[0]}&area=${AREA}`);
    expect(worklist.body.items.map((t: { testId: string }) => t.testId)).toContain(fever.escalation.testId);
    expect(await record(GONE, DAY[0], { status: 'UNREACHABLE' })).toMatchObject({ status: 'UNREACHABLE' });
    const [check] = await events(Topics.CARE, 'HealthCheckRecorded', GONE);
    expect(check).toMatchObject({ status: 'UNREACHABLE', dueOn: DAY[0], source: 'STAFF' });
  });

  it('day 2: a warning sign moves the case at home to a treatment facility', async () => {
    clock.set(at(DAY[1]));
    const day2 = await pass.run();
    expect(day2.today).toBe(DAY[1]);
    const [missed] = await events(Topics.CARE, 'FollowUpMissed', GONE);
    expect(missed).toMatchObject({ dueOn: DAY[0], lastStatus: 'UNREACHABLE', lostToFollowUp: false });
    const r = await record(HOME, DAY[1], { status: 'DONE', temperatureC: 37.6, spo2: 93, symptoms: ['COUGH'] });
    expect(r).toMatchObject({
      warningSigns: ['LOW_SPO2'],
      escalation: { to: 'TREATMENT_FACILITY', facilityId: FACILITY },
    });
    const [esc] = await events(Topics.CARE, 'CareEscalated', HOME);
    expect(esc).toMatchObject({
      reason: 'WARNING_SIGNS',
      from: 'HOME_ISOLATION',
      to: 'TREATMENT_FACILITY',
      facilityId: FACILITY,
    });
    const [moved] = await events(Topics.CARE, 'IsolationTransferred', HOME);
    expect(moved).toMatchObject({ reason: 'ESCALATED', previousKind: 'HOME', kind: 'TREATMENT_FACILITY' });
    await record(WARD, DAY[1], normal);
    await record(F1, DAY[1], normal);
    // Ops (the dashboard's Care panel) from care.v1: both cases now in a facility, none at home.
    const f = await eventually('ops figures after the escalation', async () => {
      const got = await figures(DAY[0]);
      return got?.isolatedInFacilities === 2 && got?.missed === 2 && got;
    });
    // Day 1: the two checks at home (one done, one never done), the ward's, F1's, and GONE's unreachable one, missed.
    expect(f).toMatchObject({
      isolatedAtHome: 0,
      isolatedInFacilities: 2,
      waitingForBed: 0,
      done: 3,
      missed: 2,
      lost: 0,
    });
    const isolations = await staff('GET', `/isolations?area=${AREA}&kind=TREATMENT_FACILITY`);
    expect(isolations.body.items.map((i: { personId: string }) => i.personId).sort()).toEqual([HOME, WARD].sort());
  });

  it('day 3: a person with no completed follow-up for two days is flagged lost to follow-up', async () => {
    clock.set(at(DAY[2]));
    await pass.run();
    const [, lost] = await events(Topics.CARE, 'FollowUpMissed', GONE, 2);
    expect(lost).toMatchObject({ dueOn: DAY[1], lastStatus: null, lastCompletedOn: null, lostToFollowUp: true });
    const [today] = await followUps(GONE, DAY[2]);
    expect(today).toMatchObject({ status: 'DUE', lostToFollowUp: true });
    const [f1] = await followUps(F1, DAY[2]);
    expect(f1).toMatchObject({ lostToFollowUp: false, lastCompletedOn: DAY[1] });
    await eventually('ops counts the lost follow-up', async () => (await figures(DAY[1]))?.lost === 1);
  });

  it('day 10: released after a negative test; a positive one extends the isolation, and the self-report link with it', async () => {
    clock.set(at('2021-12-16'));
    const worklist = await staff('GET', `/tests?due=2021-12-16&area=${AREA}`);
    const releaseTest = (p: string) =>
      worklist.body.items.find(
        (t: { personId: string; purpose: string }) => t.personId === p && t.purpose === 'ISOLATION',
      );
    const [test, wardTest] = [releaseTest(HOME), releaseTest(WARD)];
    expect(test).toBeDefined();
    expect(wardTest).toBeDefined();
    await pass.run();
    expect((await pg.query(`SELECT status FROM quarantine.isolations WHERE person_id = $1`, [HOME])).rows).toEqual([
      { status: 'ACTIVE' }, // no result yet: not released
    ]);
    const result = (testId: string, r: string) =>
      staff('POST', `/tests/${testId}/result`, { result: r, testType: 'PCR', sampleTakenAt: '2021-12-16T01:00:00Z' });
    expect((await result(test.testId, 'NEGATIVE')).status).toBe(200);
    expect((await result(wardTest.testId, 'POSITIVE')).status).toBe(200);
    const day10 = await pass.run();
    expect(day10.released).toBeGreaterThanOrEqual(1);
    expect(day10.retests).toBeGreaterThanOrEqual(1);
    const [ended] = await events(Topics.CARE, 'IsolationEnded', HOME);
    expect(ended).toMatchObject({ reason: 'RELEASED', releaseTestId: test.testId, facilityId: FACILITY });
    const [retest] = await topics.waitFor(
      (m: TappedMessage) =>
        m.topic === Topics.TESTING &&
        m.key?.toString() === WARD &&
        JSON.parse(m.value!.toString()).dueOn === '2021-12-19',
    );
    expect(JSON.parse(retest.value!.toString())).toMatchObject({ personId: WARD, quarantineId: null });
    const isolations = await staff('GET', `/isolations?area=${AREA}`);
    expect(isolations.body.items.map((i: { personId: string }) => i.personId)).toEqual([WARD]);
    await eventually('ops counts the release', async () => (await figures('2021-12-16'))?.isolatedInFacilities === 1);
    const today = await staff('GET', `/follow-ups?due=2021-12-16&area=${AREA}`);
    expect(today.body.items.map((i: { personId: string }) => i.personId)).not.toContain(HOME);

    // Two days later, past the day-1 links' expiry: the released person's link is refused, the
    // extended isolation's link still works (until the retest's day).
    clock.set(at('2021-12-18'));
    expect((await http(quarantine.url, 'POST', `${links.get(HOME)}?temperatureC=36.6`)).status).toBe(404);
    const self = await http(quarantine.url, 'POST', `${links.get(WARD)}?temperatureC=36.9&spo2=97`);
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ dueOn: '2021-12-18', escalated: false });
    const checks = await events(Topics.CARE, 'HealthCheckRecorded', WARD, 3);
    expect(checks.find((c) => c.dueOn === '2021-12-18')).toMatchObject({ source: 'SELF_REPORT', spo2: 97 });
    const fresh = await staff('POST', '/self-report-links', { personId: WARD });
    expect(fresh.body.expiresAt).toBe('2021-12-19T17:00:00.000Z');
  });
});
