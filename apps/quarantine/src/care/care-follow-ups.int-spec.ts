import { Topics } from '@ct/contracts';
import { ControllableClock } from '@ct/platform/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { careService } from '../../../../test/support/care';
import { http, TestService, tokenFor } from '../../../../test/support/services';
import { CarePassJob } from './care-pass/care-pass.job';

/** Daily follow-ups through the real broker and database: list, record, escalate, self-report, missed and lost. */
describe('care pathway: daily follow-up', () => {
  let svc: TestService;
  let pg: Client;
  let pass: CarePassJob;
  const clock = new ControllableClock(new Date('2021-11-21T03:00:00Z'));
  const run = randomUUID().slice(0, 8);
  const AREA = `f-${run}`;
  const person = (name: string) => `p-${run}-${name}`;
  const F0 = person('f0');
  const F1 = person('f1');
  const HOME_CASE = person('home-case');
  const GONE = person('gone');

  const care = careService({
    area: AREA,
    clock,
    topics: [Topics.CARE, Topics.QUARANTINE, Topics.TESTING],
    // Room for other files' cases too: a case whose own area has no free bed takes one anywhere, and
    // this service handles the earlier files' CaseConfirmed backlog as it joins (10 beds filled up).
    facilities: [{ id: `tf-${run}`, name: 'Tam Ky', areaCode: AREA, capacity: 1000 }],
    env: { CARE_SELF_REPORT_PER_HOUR: '2' },
  });
  const { publish, events, profile, confirm } = care;
  beforeAll(() => {
    ({ svc, pg, pass } = care);
  });

  const contact = (personId: string) =>
    publish('ContactIdentified', {
      contactId: randomUUID(),
      personId,
      sourcePersonId: F0,
      sourceCaseId: randomUUID(),
      degree: 1,
      exposure: {
        kind: 'HOUSEHOLD',
        venueId: null,
        startedAt: '2021-11-20T10:00:00Z',
        endedAt: '2021-11-21T01:00:00Z',
      },
      lastExposureAt: '2021-11-21T01:00:00Z',
      identifiedAt: '2021-11-21T02:00:00Z',
    });
  const dueOf = async (personId: string, due: string) => {
    const list = await http(svc.url, 'GET', `/follow-ups?due=${due}&area=${AREA}`, { role: 'quarantine' });
    expect(list.status).toBe(200);
    return list.body.items.filter((i: { personId: string }) => i.personId === personId);
  };
  const record = (id: string, body: unknown) =>
    http(svc.url, 'POST', `/follow-ups/${id}`, { role: 'quarantine', body });

  it('generates one follow-up a day per contact and two for a case at home; area-scoped', async () => {
    for (const p of [F1, GONE, HOME_CASE]) await profile(p, { vaccineDoses: 2, lastDoseAt: '2021-09-01T00:00:00Z' });
    await contact(F1);
    await contact(GONE);
    await events(Topics.QUARANTINE, 'QuarantineOrdered', F1);
    await events(Topics.QUARANTINE, 'QuarantineOrdered', GONE);
    await http(svc.url, 'PUT', `/persons/${HOME_CASE}/home-eligibility`, {
      role: 'quarantine',
      body: { separateRoom: true, noHighRiskMember: true, reachableDaily: true },
    });
    await confirm(HOME_CASE);
    expect((await events(Topics.CARE, 'IsolationOrdered', HOME_CASE))[0].kind).toBe('HOME');
    const first = await pass.run();
    expect(first.generated).toBeGreaterThanOrEqual(4);
    expect((await pass.run()).generated).toBe(0); // idempotent
    expect(await dueOf(F1, '2021-11-21')).toHaveLength(1);
    expect(await dueOf(HOME_CASE, '2021-11-21')).toHaveLength(2);
    const other = await http(svc.url, 'GET', `/follow-ups?due=2021-11-21&area=${AREA}`, {
      token: tokenFor('quarantine', 'elsewhere', ['79']),
    });
    expect(other.body.items).toEqual([]);
  });

  it('refuses bad input naming the field, and a follow-up of another area as absent', async () => {
    const [f] = await dueOf(F1, '2021-11-21');
    for (const [body, field] of [
      [{ status: 'MAYBE' }, 'status'],
      [{ status: 'DONE', spo2: 'high' }, 'spo2'],
      [{ status: 'DONE', temperatureC: 101.4 }, 'temperatureC'],
      [{ status: 'DONE', symptoms: ['SNEEZING'] }, 'symptoms'],
    ] as const) {
      const r = await record(f.followUpId, body);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain(field);
    }
    expect((await record('not-a-uuid', { status: 'DONE' })).status).toBe(400);
    expect((await record(randomUUID(), { status: 'DONE' })).status).toBe(404);
  });

  it('escalates a case at home with a warning sign to a facility; HealthCheckRecorded carries no note', async () => {
    const [f] = await dueOf(HOME_CASE, '2021-11-21');
    const r = await record(f.followUpId, {
      status: 'DONE',
      temperatureC: 37.9,
      spo2: 94,
      symptoms: ['COUGH'],
      note: 'lives with grandmother',
    });
    expect(r.body).toMatchObject({
      warningSigns: ['LOW_SPO2'],
      escalation: { to: 'TREATMENT_FACILITY', facilityId: `tf-${run}` },
    });
    const [check] = await events(Topics.CARE, 'HealthCheckRecorded', HOME_CASE);
    expect(check).toMatchObject({
      status: 'DONE',
      spo2: 94,
      symptoms: ['COUGH'],
      warningSigns: ['LOW_SPO2'],
      source: 'STAFF',
    });
    expect(JSON.stringify(check)).not.toContain('grandmother');
    const [esc] = await events(Topics.CARE, 'CareEscalated', HOME_CASE);
    expect(esc).toMatchObject({ reason: 'WARNING_SIGNS', from: 'HOME_ISOLATION', to: 'TREATMENT_FACILITY' });
    const [moved] = await events(Topics.CARE, 'IsolationTransferred', HOME_CASE);
    expect(moved).toMatchObject({ reason: 'ESCALATED', kind: 'TREATMENT_FACILITY' });
    expect((await record(f.followUpId, { status: 'DONE' })).status).toBe(409);
  });

  it('gives a quarantined F1 with fever a test today, through their own signed link (no account)', async () => {
    const link = await http(svc.url, 'POST', '/self-report-links', {
      role: 'quarantine',
      body: { personId: F1 },
    });
    expect(link.status).toBe(201);
    expect(link.body.subject).toBe('QUARANTINE');
    const r = await http(svc.url, 'POST', `/self-report/${link.body.token}?temperatureC=38.2&symptoms=FEVER`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ escalated: true });
    const [esc] = await events(Topics.CARE, 'CareEscalated', F1);
    expect(esc).toMatchObject({ reason: 'SYMPTOMATIC_CONTACT', from: 'QUARANTINE', to: 'TEST_TODAY' });
    const tests = await http(svc.url, 'GET', `/tests?due=2021-11-21&area=${AREA}`, { role: 'quarantine' });
    expect(tests.body.items.map((t: { testId: string }) => t.testId)).toContain(esc.testId);
    const [check] = await events(Topics.CARE, 'HealthCheckRecorded', F1);
    expect(check.source).toBe('SELF_REPORT');
    // Rate-limited per link (2 an hour here), a tampered token is refused, a bad body names the field.
    expect((await http(svc.url, 'POST', `/self-report/${link.body.token}?spo2=98`)).status).toBe(200);
    expect((await http(svc.url, 'POST', `/self-report/${link.body.token}`)).status).toBe(429);
    expect((await http(svc.url, 'POST', `/self-report/${link.body.token}x`)).status).toBe(404);
    const bad = await http(svc.url, 'POST', `/self-report/${link.body.token}?spo2=140&symptoms=FEVER,SNEEZING`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('spo2');
    expect(JSON.stringify(bad.body)).toContain('symptoms');
  });

  it('moves a quarantined F1 who becomes a case to isolation in one step', async () => {
    const [q] = (
      await pg.query(`SELECT id FROM quarantine.quarantines WHERE person_id = $1 AND status = 'ACTIVE'`, [F1])
    ).rows;
    await confirm(F1);
    const [iso] = await events(Topics.CARE, 'IsolationOrdered', F1);
    expect(iso.fromQuarantineId).toBe(q.id);
    const [ended] = await events(Topics.QUARANTINE, 'QuarantineEnded', F1);
    expect(ended).toMatchObject({ quarantineId: q.id, reason: 'CONVERTED_TO_CASE' });
  });

  it('flags a person unreachable for two days as lost to follow-up', async () => {
    const [d1] = await dueOf(GONE, '2021-11-21');
    expect((await record(d1.followUpId, { status: 'UNREACHABLE' })).status).toBe(200);
    clock.set('2021-11-22T03:00:00Z');
    const day2 = await pass.run();
    expect(day2.missed).toBeGreaterThanOrEqual(1);
    const [m1] = await events(Topics.CARE, 'FollowUpMissed', GONE);
    expect(m1).toMatchObject({ dueOn: '2021-11-21', lastStatus: 'UNREACHABLE', lostToFollowUp: false });
    clock.set('2021-11-23T03:00:00Z');
    await pass.run();
    const [, m2] = await events(Topics.CARE, 'FollowUpMissed', GONE, 2);
    expect(m2).toMatchObject({ dueOn: '2021-11-22', lastStatus: null, lostToFollowUp: true, lastCompletedOn: null });
    const [today] = await dueOf(GONE, '2021-11-23');
    expect(today).toMatchObject({ lostToFollowUp: true, status: 'DUE' });
  });
});
