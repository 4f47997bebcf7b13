import { createEvent, dlqTopic, EventPayloads, EventType, toKafkaHeaders, Topics } from '@ct/contracts';
import { EventPublisher, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, eventually, http, startService, tap, TestService } from '../../../test/support/services';
import { ServiceClock } from '@ct/platform';
import { ControllableClock } from '@ct/platform/testing';
import { ReleaseQuarantinesJob } from './quarantines/release-quarantines/release-quarantines.job';
import { QuarantineService } from './service';

/**
 * The quarantine workflow against the real broker and database, with the service's clock
 * controlled by the test: 14 days of quarantine pass in a few seconds.
 */
describe('quarantine workflow: contacts.v1 / cases.v1 → quarantine → quarantine.v1 / testing.v1', () => {
  let svc: TestService;
  let pg: Client;
  let topics: TopicTap;
  let publisher: EventPublisher;
  let job: ReleaseQuarantinesJob;
  const clock = new ControllableClock(new Date('2021-11-21T03:00:00Z')); // 10:00 in Vietnam, day 0 below
  const run = randomUUID().slice(0, 8);
  const person = (name: string) => `p-${run}-${name}`;
  const F0 = person('f0');
  const CASE = randomUUID();

  beforeAll(async () => {
    topics = await tap([Topics.QUARANTINE, Topics.TESTING, dlqTopic(Topics.CONTACTS)]);
    svc = await startService(QuarantineService, {
      QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
      QUARANTINE_FACILITIES: JSON.stringify([
        { id: `fac-${run}-49`, name: 'Tam Ky', areaCode: '49', capacity: 10000 },
        { id: `fac-${run}-79`, name: 'Thu Duc', areaCode: '79', capacity: 10000 },
      ]),
    });
    svc.app.get(ServiceClock).use(clock);
    publisher = svc.app.get(EventPublisher);
    job = svc.app.get(ReleaseQuarantinesJob);
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([svc?.close(), topics?.close(), pg?.end()]);
  });

  const publish = <K extends EventType>(type: K, payload: EventPayloads[K]) =>
    publisher.publish([createEvent(type, payload, { source: '/test' })]);
  const contact = (
    personId: string,
    over: Partial<EventPayloads['ContactIdentified']> = {},
  ): EventPayloads['ContactIdentified'] => ({
    contactId: randomUUID(),
    personId,
    sourcePersonId: F0,
    sourceCaseId: CASE,
    degree: 1,
    exposure: { kind: 'HOUSEHOLD', venueId: null, startedAt: '2021-11-20T10:00:00Z', endedAt: '2021-11-21T01:00:00Z' },
    lastExposureAt: '2021-11-21T01:00:00Z', // day 0 = 2021-11-21 (UTC+7)
    identifiedAt: '2021-11-21T02:00:00Z',
    ...over,
  });
  const of = (topic: string, type: string, personId: string) => (m: TappedMessage) =>
    m.topic === topic && m.key?.toString() === personId && String(m.headers?.ce_type) === type;
  const payload = (m: TappedMessage) => JSON.parse(m.value!.toString());
  const events = async (topic: string, type: string, personId: string, count = 1) =>
    (await topics.waitFor(of(topic, type, personId), count)).map(payload);
  const ordered = async (personId: string) => (await events(Topics.QUARANTINE, 'QuarantineOrdered', personId))[0];
  const testsOf = async (personId: string) =>
    (
      await pg.query(
        `SELECT id, day, to_char(due_on, 'YYYY-MM-DD') AS due_on, status FROM quarantine.tests WHERE person_id = $1 ORDER BY due_on, scheduled_at`,
        [personId],
      )
    ).rows;
  const result = (testId: string, result: string, sampleTakenAt = clock.now().toISOString()) =>
    http(svc.url, 'POST', `/tests/${testId}/result`, {
      role: 'quarantine',
      body: { result, testType: 'PCR', sampleTakenAt },
    });
  const at = (iso: string) => clock.set(iso);

  it('walks an F1 through a whole 14-day quarantine: order, three tests, results over HTTP, release COMPLETED', async () => {
    at('2021-11-21T03:00:00Z');
    const p = person('walk');
    await publish('ContactIdentified', contact(p));

    const order = await ordered(p);
    expect(order).toMatchObject({
      personId: p,
      kind: 'CENTRALIZED',
      facilityId: `fac-${run}-49`,
      needsFacility: false,
      dayZero: '2021-11-21',
      testDays: [1, 7, 14],
      degree: 1,
    });
    expect(order.endsAt).toBe('2021-12-04T17:00:00.000Z');
    const scheduled = await events(Topics.TESTING, 'TestScheduled', p, 3);
    expect(scheduled.map((t) => [t.day, t.dueOn])).toEqual([
      [1, '2021-11-22'],
      [7, '2021-11-28'],
      [14, '2021-12-05'],
    ]);

    // Day 1: the worklist shows the test; staff record it negative.
    at('2021-11-22T02:00:00Z');
    const list = await http(svc.url, 'GET', `/tests?due=2021-11-22&facility=fac-${run}-49`, { role: 'quarantine' });
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: { personId: string }) => i.personId === p);
    expect(item).toMatchObject({ day: 1, dueOn: '2021-11-22', kind: 'CENTRALIZED', facilityId: `fac-${run}-49` });
    // The worklist is paginated: pages of `limit` add up to `total`, `truncated` says more follow.
    expect(list.body).toMatchObject({ page: 1, total: list.body.items.length, truncated: false });
    const paged = [];
    for (let page = 1; page <= list.body.total; page++) {
      const one = await http(svc.url, 'GET', `/tests?due=2021-11-22&facility=fac-${run}-49&limit=1&page=${page}`, {
        role: 'quarantine',
      });
      expect(one.body).toMatchObject({ total: list.body.total, truncated: page < list.body.total });
      paged.push(...one.body.items);
    }
    expect(paged).toEqual(list.body.items);
    for (const bad of ['due=0000-01-01', 'limit=5001', 'page=1001', 'page=1e308']) {
      expect((await http(svc.url, 'GET', `/tests?${bad}`, { role: 'quarantine' })).status).toBe(400);
    }
    const r1 = await result(item.testId, 'NEGATIVE');
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ testId: item.testId, result: 'NEGATIVE', outcome: null });
    expect((await result(item.testId, 'NEGATIVE')).status).toBe(409); // recorded once
    const [recorded] = await events(Topics.TESTING, 'TestResultRecorded', p);
    expect(recorded).toMatchObject({
      testId: item.testId,
      quarantineId: order.quarantineId,
      result: 'NEGATIVE',
      purpose: 'QUARANTINE',
      testType: 'PCR',
    });

    at('2021-11-28T02:00:00Z');
    const tests = await testsOf(p);
    expect((await result(tests[1].id, 'NEGATIVE')).status).toBe(200);

    // Day 14: the period is over, but the exit test is not taken yet: still in quarantine, not overdue.
    at('2021-12-05T01:00:00Z');
    let pass = await job.run();
    expect(pass.today).toBe('2021-12-05');
    let row = (await pg.query('SELECT status, overdue FROM quarantine.quarantines WHERE person_id = $1', [p])).rows[0];
    expect(row).toEqual({ status: 'ACTIVE', overdue: false });

    expect((await result(tests[2].id, 'NEGATIVE')).body.outcome).toBe('SOURCES_CLEARED');
    pass = await job.run();
    expect(pass.released).toBeGreaterThanOrEqual(1);
    const [ended] = await events(Topics.QUARANTINE, 'QuarantineEnded', p);
    expect(ended).toEqual({
      quarantineId: order.quarantineId,
      personId: p,
      endedAt: '2021-12-05T01:00:00.000Z',
      reason: 'COMPLETED',
    });
    row = (await pg.query('SELECT status, end_reason FROM quarantine.quarantines WHERE person_id = $1', [p])).rows[0];
    expect(row).toEqual({ status: 'ENDED', end_reason: 'COMPLETED' });

    // Another pass releases nobody twice.
    await job.run();
    await publish('ContactIdentified', contact(person('sentinel-walk'), { lastExposureAt: '2021-12-05T00:00:00Z' }));
    await ordered(person('sentinel-walk'));
    expect(topics.messages.filter(of(Topics.QUARANTINE, 'QuarantineEnded', p)).length).toBe(1);

    const history = await http(svc.url, 'GET', `/persons/${p}/quarantines`, { role: 'quarantine' });
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.truncated).toBe(false);
    expect(history.body.items[0]).toMatchObject({ status: 'ENDED', endReason: 'COMPLETED' });
    // RULE (issue 18): the rule the order was made under; no level is known for a person of no area.
    expect(history.body.items[0].history.map((h: { change: string }) => h.change)).toEqual([
      'ORDERED',
      'RULE',
      'ENDED',
    ]);
    expect(history.body.items[0].history[1].reason).toMatch(/^rule in force when ordered: DEFAULT/);
    expect(history.body.items[0].tests.map((t: { result: string }) => t.result)).toEqual([
      'NEGATIVE',
      'NEGATIVE',
      'NEGATIVE',
    ]);
  });

  it('converts a quarantine on a positive result (CONVERTED_TO_CASE) and flags a missing exit test overdue', async () => {
    at('2021-11-21T03:00:00Z');
    const c = person('convert');
    const late = person('late');
    await publish('ContactIdentified', contact(c));
    await publish('ContactIdentified', contact(late));
    const order = await ordered(c);
    await ordered(late);

    at('2021-11-22T03:00:00Z');
    const [day1] = await testsOf(c);
    const res = await result(day1.id, 'POSITIVE');
    expect(res.body).toMatchObject({
      result: 'POSITIVE',
      outcome: 'CONVERTED_TO_CASE',
      quarantineId: order.quarantineId,
    });
    const [recorded] = await events(Topics.TESTING, 'TestResultRecorded', c);
    expect(recorded).toMatchObject({ result: 'POSITIVE', quarantineId: order.quarantineId });
    const [ended] = await events(Topics.QUARANTINE, 'QuarantineEnded', c);
    expect(ended).toMatchObject({ quarantineId: order.quarantineId, reason: 'CONVERTED_TO_CASE' });
    expect((await testsOf(c)).map((t) => t.status)).toEqual(['RECORDED', 'CANCELLED', 'CANCELLED']);

    // The other one never gets tested: after day 14 has passed they stay, flagged overdue.
    at('2021-12-06T03:00:00Z');
    await job.run();
    const row = (await pg.query('SELECT status, overdue FROM quarantine.quarantines WHERE person_id = $1', [late]))
      .rows[0];
    expect(row).toEqual({ status: 'ACTIVE', overdue: true });
    const list = await http(
      svc.url,
      'GET',
      `/quarantines?overdue=true&status=ACTIVE&facility=fac-${run}-49&limit=500`,
      { role: 'quarantine' },
    );
    expect(list.body.items.map((q: { personId: string }) => q.personId)).toContain(late);
    expect(list.body.total).toBeGreaterThanOrEqual(1);
  });

  it('inconclusive schedules a retest the next day; a later exposure extends the quarantine and reschedules its tests', async () => {
    at('2021-11-21T03:00:00Z');
    const p = person('extend');
    await publish('ContactIdentified', contact(p));
    const order = await ordered(p);
    at('2021-11-22T03:00:00Z');
    const [day1] = await testsOf(p);
    const res = await result(day1.id, 'INCONCLUSIVE');
    expect(res.body.outcome).toBe('RETEST_SCHEDULED');
    const retest = (await testsOf(p)).find((t) => t.id === res.body.retestId);
    expect(retest).toMatchObject({ day: 2, due_on: '2021-11-23', status: 'SCHEDULED' });

    // Exposed again on 24 November (a new household case): ends 14 days after that.
    at('2021-11-24T05:00:00Z');
    await publish(
      'ContactIdentified',
      contact(p, { lastExposureAt: '2021-11-24T04:00:00Z', identifiedAt: '2021-11-24T04:30:00Z' }),
    );
    const [ext] = await events(Topics.QUARANTINE, 'QuarantineExtended', p);
    expect(ext).toMatchObject({
      quarantineId: order.quarantineId,
      previousEndsAt: '2021-12-04T17:00:00.000Z',
      endsAt: '2021-12-07T17:00:00.000Z',
      dayZero: '2021-11-24',
      testDays: [1, 7, 14],
    });
    const tests = await testsOf(p);
    // Future tests are replaced; the retest of the 23rd, already due and not taken, stays (and shows as missed).
    expect(tests.filter((t) => t.status === 'SCHEDULED').map((t) => t.due_on)).toEqual([
      '2021-11-23',
      '2021-11-25',
      '2021-12-01',
      '2021-12-08',
    ]);
    expect(tests.filter((t) => t.status === 'CANCELLED').map((t) => t.due_on)).toEqual(['2021-11-28', '2021-12-05']);

    const view = await http(svc.url, 'GET', `/quarantines/${order.quarantineId}`, { role: 'quarantine' });
    expect(view.body.history.map((h: { change: string }) => h.change)).toEqual(['ORDERED', 'RULE', 'EXTENDED']);
    expect(view.body.history[2]).toMatchObject({
      previousEndsAt: '2021-12-04T17:00:00.000Z',
      endsAt: '2021-12-07T17:00:00.000Z',
    });
  });

  it("F2: watched, released SOURCE_CLEARED by the F1's negative exit test; escalated when the F1 becomes a case", async () => {
    at('2021-11-21T03:00:00Z');
    const [f1a, f2a, f1b, f2b] = [person('f1a'), person('f2a'), person('f1b'), person('f2b')];
    await publish('ContactIdentified', contact(f1a, { lastExposureAt: '2021-11-15T01:00:00Z' })); // day 14 is 29 November
    await publish('ContactIdentified', contact(f1b));
    await ordered(f1a);
    await ordered(f1b);
    await publish('ContactIdentified', contact(f2a, { degree: 2, sourcePersonId: f1a }));
    await publish('ContactIdentified', contact(f2b, { degree: 2, sourcePersonId: f1b }));
    const watchA = await ordered(f2a);
    const watchB = await ordered(f2b);
    expect(watchA).toMatchObject({
      kind: 'SELF_MONITORING',
      facilityId: null,
      testDays: [],
      degree: 2,
      sourcePersonId: f1a,
    });

    at('2021-11-29T02:00:00Z');
    const exit = (await testsOf(f1a)).find((t) => t.day === 14)!;
    expect((await result(exit.id, 'NEGATIVE')).body.outcome).toBe('SOURCES_CLEARED');
    const [cleared] = await events(Topics.QUARANTINE, 'QuarantineEnded', f2a);
    expect(cleared).toMatchObject({ quarantineId: watchA.quarantineId, reason: 'SOURCE_CLEARED' });

    at('2021-11-23T02:00:00Z');
    await publish('CaseConfirmed', {
      caseId: randomUUID(),
      personId: f1b,
      confirmedAt: '2021-11-23T01:00:00Z',
      symptomOnsetAt: null,
      sampleTakenAt: null,
      testType: 'PCR',
      origin: 'INVESTIGATION',
      areaCode: '49',
    });
    const [escalated] = await events(Topics.QUARANTINE, 'QuarantineTransferred', f2b);
    expect(escalated).toMatchObject({
      quarantineId: watchB.quarantineId,
      previousKind: 'SELF_MONITORING',
      kind: 'CENTRALIZED',
      reason: 'ESCALATED',
      testDays: [1, 7, 14],
    });
    expect((await events(Topics.QUARANTINE, 'QuarantineEnded', f1b))[0].reason).toBe('CONVERTED_TO_CASE');
    expect((await testsOf(f2b)).filter((t) => t.status === 'SCHEDULED').length).toBe(2); // day 1 had passed

    // A person with an open case is not quarantined.
    await publish('ContactIdentified', contact(f1b, { sourcePersonId: person('other-f0') }));
    const sentinel = person('sentinel-case');
    await publish('ContactIdentified', contact(sentinel));
    await ordered(sentinel);
    expect(topics.messages.filter(of(Topics.QUARANTINE, 'QuarantineOrdered', f1b)).length).toBe(1);
  });

  it('uses the lighter rule for the fully vaccinated, home quarantine when eligible, and moves them out when the home stops qualifying', async () => {
    at('2021-11-21T03:00:00Z');
    const v = person('vaccinated');
    await publish('PersonProfileChanged', {
      personId: v,
      areaCode: '79',
      vaccineDoses: 2,
      lastDoseAt: '2021-08-01T00:00:00Z',
      recoveredAt: null,
      changedAt: '2021-11-01T00:00:00Z',
    });
    const yes = await http(svc.url, 'PUT', `/persons/${v}/home-eligibility`, {
      role: 'quarantine',
      body: { separateRoom: true, noHighRiskMember: true, reachableDaily: true },
    });
    expect(yes.body).toEqual({ personId: v, eligible: true, transferred: null, isolation: null });
    await eventually(
      'profile stored',
      async () => (await pg.query('SELECT 1 FROM quarantine.person_profiles WHERE person_id = $1', [v])).rowCount === 1,
    );
    await publish('ContactIdentified', contact(v));
    const order = await ordered(v);
    expect(order).toMatchObject({
      kind: 'HOME',
      facilityId: null,
      testDays: [1, 7],
      endsAt: '2021-11-27T17:00:00.000Z',
    });

    const no = await http(svc.url, 'PUT', `/persons/${v}/home-eligibility`, {
      role: 'quarantine',
      body: { separateRoom: true, noHighRiskMember: false, reachableDaily: true },
    });
    expect(no.body).toMatchObject({
      eligible: false,
      transferred: { quarantineId: order.quarantineId, kind: 'CENTRALIZED', facilityId: `fac-${run}-79` },
    });
    const [moved] = await events(Topics.QUARANTINE, 'QuarantineTransferred', v);
    expect(moved).toMatchObject({
      previousKind: 'HOME',
      kind: 'CENTRALIZED',
      reason: 'HOME_INELIGIBLE',
      facilityId: `fac-${run}-79`,
    });
    const view = await http(svc.url, 'GET', `/persons/${v}/quarantines`, { role: 'quarantine' });
    expect(
      view.body.items[0].history
        // The RULE line (issue 18) names the rule by epidemic level the order was made under.
        .filter((h: { change: string }) => h.change !== 'RULE')
        .map((h: { change: string; previousKind: string; kind: string }) => [h.change, h.previousKind, h.kind]),
    ).toEqual([
      ['ORDERED', null, 'HOME'],
      ['TRANSFERRED', 'HOME', 'CENTRALIZED'],
    ]);
  });

  it('handles the same ContactIdentified twice once, dead-letters an invalid one, records screening results, lets only admins cancel', async () => {
    at('2021-11-21T03:00:00Z');
    const p = person('twice');
    const e = createEvent('ContactIdentified', contact(p), { source: '/test' });
    await publisher.publish([e, e]);
    const bad = person('bad');
    await publisher.send([
      {
        topic: Topics.CONTACTS,
        key: bad,
        value: JSON.stringify({ ...contact(bad), degree: 3 }),
        headers: toKafkaHeaders({ ...e.meta, id: randomUUID() }),
      },
    ]);
    const order = await ordered(p);
    const [dead] = await topics.waitFor((m) => m.topic === dlqTopic(Topics.CONTACTS) && m.key?.toString() === bad);
    expect(String(dead.headers?.dlq_reason)).toMatch(/degree/);
    const sentinel = person('sentinel-twice');
    await publish('ContactIdentified', contact(sentinel));
    await ordered(sentinel);
    expect(topics.messages.filter(of(Topics.QUARANTINE, 'QuarantineOrdered', p)).length).toBe(1);
    expect((await testsOf(p)).length).toBe(3);

    const screened = person('screened');
    const s = await http(svc.url, 'POST', '/test-results', {
      role: 'quarantine',
      body: {
        personId: screened,
        purpose: 'SCREENING',
        result: 'INCONCLUSIVE',
        testType: 'RAPID_ANTIGEN',
        sampleTakenAt: '2021-11-21T02:00:00Z',
      },
    });
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({ quarantineId: null, outcome: 'RETEST_SCHEDULED' });
    const [rec] = await events(Topics.TESTING, 'TestResultRecorded', screened);
    expect(rec).toMatchObject({ purpose: 'SCREENING', result: 'INCONCLUSIVE', quarantineId: null });
    const [retest] = await events(Topics.TESTING, 'TestScheduled', screened);
    expect(retest).toMatchObject({ dueOn: '2021-11-22', quarantineId: null, day: null });

    const denied = await http(svc.url, 'POST', `/quarantines/${order.quarantineId}/cancel`, {
      role: 'quarantine',
      body: { reason: 'wrong person' },
    });
    expect(denied.status).toBe(403);
    const ok = await http(svc.url, 'POST', `/quarantines/${order.quarantineId}/cancel`, {
      role: 'admin',
      body: { reason: 'identified by mistake' },
    });
    expect(ok.status).toBe(200);
    expect((await events(Topics.QUARANTINE, 'QuarantineEnded', p))[0].reason).toBe('CANCELLED');
    const again = await http(svc.url, 'POST', `/quarantines/${order.quarantineId}/cancel`, {
      role: 'admin',
      body: { reason: 'again' },
    });
    expect(again.status).toBe(409);
  });

  it('two concurrent release passes release every due quarantine exactly once', async () => {
    const n = 400;
    const tag = `p-${run}-bulk-`;
    await pg.query(
      `WITH q AS (
         INSERT INTO quarantine.quarantines (id, person_id, kind, facility_id, degree, source_person_id, source_case_id, day_zero, starts_at, ends_at, test_days, status, ordered_at)
         SELECT gen_random_uuid(), $1 || i, 'HOME', NULL, 1, 'p-src', gen_random_uuid(), '2021-11-01', '2021-11-01T03:00:00Z', '2021-11-14T17:00:00Z', '{1,7,14}', 'ACTIVE', '2021-11-01T03:00:00Z'
           FROM generate_series(1, $2::int) i RETURNING id, person_id)
       INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, due_on, day, status, result, test_type, recorded_at, scheduled_at)
       SELECT gen_random_uuid(), person_id, id, 'QUARANTINE', '2021-11-15', 14, 'RECORDED', 'NEGATIVE', 'PCR', '2021-11-15T03:00:00Z', '2021-11-01T03:00:00Z' FROM q`,
      [tag, n],
    );
    at('2021-11-16T03:00:00Z');
    const [a, b] = await Promise.all([job.run(), job.run()]);
    expect(a.released + b.released).toBeGreaterThanOrEqual(n);
    const { rows } = await pg.query(
      `SELECT q.status, count(*)::int AS n, count(h.id)::int AS ended_rows FROM quarantine.quarantines q
         LEFT JOIN quarantine.quarantine_history h ON h.quarantine_id = q.id AND h.change = 'ENDED'
        WHERE q.person_id LIKE $1 GROUP BY q.status`,
      [`${tag}%`],
    );
    expect(rows).toEqual([{ status: 'ENDED', n, ended_rows: n }]);
    const ends = await topics.waitFor(
      (m) =>
        m.topic === Topics.QUARANTINE &&
        String(m.key).startsWith(tag) &&
        String(m.headers?.ce_type) === 'QuarantineEnded',
      n,
    );
    expect(new Set(ends.map((m) => String(m.key))).size).toBe(n);
    const again = await job.run();
    expect(again.released).toBe(0);
  });
});
