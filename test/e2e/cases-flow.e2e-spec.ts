import { ALL_TOPICS, createEvent, dlqTopic, EventEnvelope, EventType, EventPayloads, Topics } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomInt, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { CasesService } from '../../apps/cases/src/service';
import { TracingService } from '../../apps/tracing/src/service';
import { TEST_LOG_DIR } from '../support/env';
import { db, eventually, http, startService, tap, TestService } from '../support/services';

/**
 * The issue's "done when", through the HTTP API and the real broker: a tracer registers a person,
 * confirms their case, records household contacts, and sees the contacts' status change as the
 * other services' events (ContactIdentified, QuarantineOrdered, TestScheduled, TestResultRecorded)
 * arrive; a positive result converts a contact into a new case exactly once. Then every message on
 * every topic and every log line of the run is scanned for the test persons' identity data.
 */
describe('cases flow: register, confirm, declare, follow status; privacy', () => {
  let cases: TestService;
  let tracing: TestService;
  let pg: Client;
  let topics: TopicTap;
  let publisher: EventPublisher;
  const run = randomUUID().slice(0, 8);
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

  // Identity data of this run's persons: must never leave the cases service's persons table and API.
  const people = {
    f0: { fullName: `Nguyễn Văn Privacy${run}`, phone: `09${digits(8)}`, nationalId: `0${digits(11)}` },
    spouse: { fullName: `Trần Thị Household${run}`, phone: `03${digits(8)}`, nationalId: `1${digits(11)}` },
    child: { fullName: `Nguyễn Văn Child${run}`, phone: `07${digits(8)}`, nationalId: `2${digits(11)}` },
  };

  const tracer = (method: string, path: string, body?: unknown) =>
    http(cases.url, method, path, { role: 'tracer', body });
  const status = async (personId: string) => (await tracer('GET', `/persons/${personId}/status`)).body;
  const publish = async <K extends EventType>(type: K, payload: EventPayloads[K]): Promise<EventEnvelope<K>> => {
    const e = createEvent(type, payload, { source: '/test' });
    await publisher.publish([e]);
    return e;
  };

  beforeAll(async () => {
    topics = await tap([...ALL_TOPICS, ...ALL_TOPICS.map(dlqTopic)]);
    [cases, tracing] = await Promise.all([startService(CasesService), startService(TracingService)]);
    publisher = cases.app.get(EventPublisher);
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([cases?.close(), tracing?.close(), topics?.close(), pg?.end()]);
  });

  let f0: string;
  let caseId: string;
  let spouse: string;
  let child: string;
  const contactIdsFromTracing = async (personId: string) =>
    topics.messages
      .filter(
        (m) =>
          m.topic === Topics.CONTACTS && m.key?.toString() === personId && String(m.headers?.ce_source) !== '/test',
      )
      .map((m) => JSON.parse(m.value!.toString()).contactId as string);

  it('a tracer registers the F0, confirms the case and records two household contacts over HTTP', async () => {
    const reg = await tracer('POST', '/persons', {
      ...people.f0,
      dateOfBirth: '1980-01-02',
      address: `${run} Hùng Vương, Tam Kỳ`,
      areaCode: '20290',
    });
    expect(reg.status).toBe(201);
    f0 = reg.body.personId;
    // Feeds and teams that try to register the same person again learn the existing id.
    const dup = await tracer('POST', '/persons', {
      fullName: 'someone',
      phone: `+84${people.f0.phone.slice(1)}`,
      areaCode: '49',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.existingPersonId).toBe(f0);
    const found = await tracer('GET', `/persons?nationalId=${people.f0.nationalId}`);
    expect(found.body.items[0].personId).toBe(f0);

    const c = await tracer('POST', '/cases', {
      personId: f0,
      confirmedAt: '2021-11-20T08:00:00Z',
      symptomOnsetAt: '2021-11-19T00:00:00Z',
      testType: 'PCR',
    });
    expect(c.status).toBe(201);
    caseId = c.body.caseId;
    expect(c.body.areaCode).toBe('20290');

    const household = { kind: 'HOUSEHOLD', startedAt: '2021-11-17T00:00:00Z', endedAt: '2021-11-20T08:00:00Z' };
    const s = await tracer('POST', `/cases/${caseId}/contacts`, {
      ...household,
      person: { ...people.spouse, areaCode: '20290', vaccination: { doses: 2, lastDoseAt: '2021-08-01T00:00:00Z' } },
    });
    const k = await tracer('POST', `/cases/${caseId}/contacts`, {
      ...household,
      person: { ...people.child, areaCode: '20290' },
    });
    expect([s.status, k.status]).toEqual([201, 201]);
    spouse = s.body.personId;
    child = k.body.personId;

    expect(await status(f0)).toMatchObject({ class: 'F0', openCase: { caseId } });
    expect(await status(spouse)).toMatchObject({ currentQuarantine: null, scheduledTests: [], openCase: null });
    expect(child).not.toBe(spouse);
    expect(await status(child)).toMatchObject({ currentQuarantine: null, scheduledTests: [], openCase: null });
  });

  it("shows the contacts' status change as the other services' events arrive through the broker", async () => {
    const identified = await publish('ContactIdentified', {
      contactId: randomUUID(),
      personId: spouse,
      sourcePersonId: f0,
      sourceCaseId: caseId,
      degree: 1,
      exposure: {
        kind: 'HOUSEHOLD',
        venueId: null,
        startedAt: '2021-11-17T00:00:00.000Z',
        endedAt: '2021-11-20T08:00:00.000Z',
      },
      lastExposureAt: '2021-11-20T08:00:00.000Z',
      identifiedAt: '2021-11-20T09:00:00.000Z',
    });
    await eventually('spouse to be F1', async () => (await status(spouse)).class === 'F1');
    // The tracing service, running here too, turns the declaration into its own ContactIdentified:
    // either one makes the spouse an F1 of this case.
    expect([identified.payload.contactId, ...(await contactIdsFromTracing(spouse))]).toContain(
      (await status(spouse)).contact.contactId,
    );
    expect((await status(spouse)).contact).toMatchObject({ degree: 1, sourceCaseId: caseId, sourcePersonId: f0 });

    const quarantineId = randomUUID();
    await publish('QuarantineOrdered', {
      quarantineId,
      personId: spouse,
      kind: 'HOME',
      facilityId: null,
      dayZero: '2021-11-20',
      startsAt: '2021-11-20T09:00:00.000Z',
      endsAt: '2021-11-27T09:00:00.000Z',
      testDays: [1, 7],
      sourceCaseId: caseId,
      sourcePersonId: f0,
      degree: 1,
      orderedAt: '2021-11-20T09:00:01.000Z',
      needsFacility: false,
    });
    const day1 = randomUUID();
    const day7 = randomUUID();
    for (const [testId, day, dueOn] of [
      [day1, 1, '2021-11-21'],
      [day7, 7, '2021-11-27'],
    ] as const) {
      await publish('TestScheduled', {
        testId,
        personId: spouse,
        quarantineId,
        dueOn,
        day,
        scheduledAt: '2021-11-20T09:00:01.000Z',
      });
    }
    const ordered = await eventually('spouse quarantined with two tests', async () => {
      const s = await status(spouse);
      return s.currentQuarantine && s.scheduledTests.length === 2 ? s : undefined;
    });
    expect(ordered).toMatchObject({
      class: 'F1',
      currentQuarantine: { quarantineId, kind: 'HOME', endsAt: '2021-11-27T09:00:00.000Z' },
    });
    expect(ordered.scheduledTests.map((t: { testId: string }) => t.testId)).toEqual([day1, day7]);

    await publish('QuarantineExtended', {
      quarantineId,
      personId: spouse,
      previousEndsAt: '2021-11-27T09:00:00.000Z',
      endsAt: '2021-11-28T09:00:00.000Z',
      dayZero: '2021-11-21',
      testDays: [1, 7],
      extendedAt: '2021-11-21T09:00:00.000Z',
    });
    await publish('TestResultRecorded', {
      testId: day1,
      personId: spouse,
      quarantineId,
      result: 'NEGATIVE',
      testType: 'PCR',
      purpose: 'QUARANTINE',
      sampleTakenAt: '2021-11-21T08:00:00.000Z',
      recordedAt: '2021-11-21T12:00:00.000Z',
    });
    const afterDay1 = await eventually('day-1 result in the past tests', async () => {
      const s = await status(spouse);
      return s.pastTests.length === 1 && s.currentQuarantine.endsAt === '2021-11-28T09:00:00.000Z' ? s : undefined;
    });
    expect(afterDay1.pastTests[0]).toMatchObject({ testId: day1, result: 'NEGATIVE' });
    expect(afterDay1.scheduledTests.map((t: { testId: string }) => t.testId)).toEqual([day7]);
    expect(afterDay1.class).toBe('F1');

    // Day 7: positive. The cascade F1 → F0 enters here: one new case, however often the result arrives.
    const positive = await publish('TestResultRecorded', {
      testId: day7,
      personId: spouse,
      quarantineId,
      result: 'POSITIVE',
      testType: 'PCR',
      purpose: 'QUARANTINE',
      sampleTakenAt: '2021-11-27T08:00:00.000Z',
      recordedAt: '2021-11-27T12:00:00.000Z',
    });
    await publisher.publish([positive]);
    await publish('TestResultRecorded', positive.payload);
    await publish('QuarantineEnded', {
      quarantineId,
      personId: spouse,
      endedAt: '2021-11-27T12:00:01.000Z',
      reason: 'CONVERTED_TO_CASE',
    });

    const converted = await eventually('spouse to be F0', async () => {
      const s = await status(spouse);
      return s.class === 'F0' && s.currentQuarantine === null ? s : undefined;
    });
    const [msg] = await topics.waitFor(
      (m) => m.topic === Topics.CASES && m.key?.toString() === spouse && String(m.headers?.ce_type) === 'CaseConfirmed',
    );
    const confirmed = JSON.parse(msg.value!.toString());
    expect(confirmed).toMatchObject({
      caseId: converted.openCase.caseId,
      origin: 'TEST_RESULT',
      sourceTestId: day7,
      areaCode: '20290',
      confirmedAt: '2021-11-27T12:00:00.000Z',
      sampleTakenAt: '2021-11-27T08:00:00.000Z',
    });
    expect(String(msg.headers?.ce_causationid)).toBe(positive.meta.id);

    const { rows } = await pg.query('SELECT count(*)::int AS n FROM cases.cases WHERE person_id = $1', [spouse]);
    expect(rows[0].n).toBe(1);
    const listed = await tracer(
      'GET',
      '/cases?area=502&status=OPEN&from=2021-11-27T00:00:00Z&to=2021-11-28T00:00:00Z&pageSize=500',
    );
    expect(listed.body.items.filter((c: { personId: string }) => c.personId === spouse)).toHaveLength(1);
  });

  it('a second-degree contact is F2; screening positives of unregistered people become SCREENING cases in the default area', async () => {
    const colleague = `pc-${randomUUID()}`;
    expect((await status(colleague)).class).toBe('none');
    await publish('ContactIdentified', {
      contactId: randomUUID(),
      personId: colleague,
      sourcePersonId: spouse,
      sourceCaseId: caseId,
      degree: 2,
      exposure: {
        kind: 'CO_LOCATION',
        venueId: `venue-${run}`,
        startedAt: '2021-11-22T00:00:00.000Z',
        endedAt: '2021-11-22T01:00:00.000Z',
      },
      lastExposureAt: '2021-11-22T01:00:00.000Z',
      identifiedAt: '2021-11-27T13:00:00.000Z',
    });
    await eventually('colleague to be F2', async () => (await status(colleague)).class === 'F2');
    // Watched as F2, then escalated (their F1 became a case): the quarantine service's transfer makes them F1.
    const watch = randomUUID();
    await publish('QuarantineOrdered', {
      quarantineId: watch,
      personId: colleague,
      kind: 'SELF_MONITORING',
      facilityId: null,
      dayZero: '2021-11-22',
      startsAt: '2021-11-27T13:00:00.000Z',
      endsAt: '2021-12-06T13:00:00.000Z',
      testDays: [],
      sourceCaseId: caseId,
      sourcePersonId: spouse,
      degree: 2,
      orderedAt: '2021-11-27T13:00:01.000Z',
      needsFacility: false,
    });
    await eventually(
      'colleague watched',
      async () => (await status(colleague)).currentQuarantine?.quarantineId === watch,
    );
    expect((await status(colleague)).class).toBe('F2');
    await publish('QuarantineTransferred', {
      quarantineId: watch,
      personId: colleague,
      previousKind: 'SELF_MONITORING',
      kind: 'HOME',
      facilityId: null,
      needsFacility: false,
      reason: 'ESCALATED',
      dayZero: '2021-11-22',
      endsAt: '2021-12-06T13:00:00.000Z',
      testDays: [1, 7],
      transferredAt: '2021-11-27T14:00:00.000Z',
    });
    const escalated = await eventually('colleague escalated to F1', async () => {
      const st = await status(colleague);
      return st.class === 'F1' ? st : undefined;
    });
    expect(escalated.currentQuarantine).toMatchObject({ quarantineId: watch, kind: 'HOME', degree: 1 });

    const stranger = `pc-${randomUUID()}`;
    const testId = randomUUID();
    await publish('TestResultRecorded', {
      testId,
      personId: stranger,
      quarantineId: null,
      result: 'POSITIVE',
      testType: 'RAPID_ANTIGEN',
      purpose: 'SCREENING',
      sampleTakenAt: '2021-11-25T08:00:00.000Z',
      recordedAt: '2021-11-25T09:00:00.000Z',
    });
    const s = await eventually('screening case', async () =>
      (await status(stranger)).class === 'F0' ? status(stranger) : undefined,
    );
    const c = await tracer('GET', `/cases/${s.openCase.caseId}`);
    expect(c.body).toMatchObject({
      personId: stranger,
      origin: 'SCREENING',
      areaCode: '49',
      sourceTestId: testId,
      testType: 'RAPID_ANTIGEN',
    });

    // A result recorded in the future can never be a case: dead-lettered, the partition moves on.
    const futurePerson = `pc-${randomUUID()}`;
    await publish('TestResultRecorded', {
      testId: randomUUID(),
      personId: futurePerson,
      quarantineId: null,
      result: 'POSITIVE',
      testType: 'PCR',
      purpose: 'UNSCHEDULED',
      sampleTakenAt: '2099-01-01T00:00:00.000Z',
      recordedAt: '2099-01-01T01:00:00.000Z',
    });
    const [dead] = await topics.waitFor(
      (m) =>
        m.topic === dlqTopic(Topics.TESTING) &&
        m.key?.toString() === futurePerson &&
        String(m.headers?.dlq_group) === 'cases',
    );
    expect(String(dead.headers?.dlq_reason)).toMatch(/future|confirmedAt/);
    expect((await status(futurePerson)).class).toBe('none');
  });

  it('a failing query with identity data as parameters is logged, without the values, by TypeORM and by the error handler', async () => {
    const ds = cases.app.get(DataSource);
    // In-process, TypeORM's messages go to whichever service's logger Nest registered last.
    const allLogs = () =>
      readdirSync(TEST_LOG_DIR)
        .filter((f) => f.endsWith('.log'))
        .map((f) => readFileSync(join(TEST_LOG_DIR, f), 'utf8'))
        .join('\n');
    const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;
    const failedBefore = count(allLogs(), /query failed/g);
    const before = readFileSync(cases.logFile, 'utf8').length;
    // PostgreSQL quotes a value it cannot cast in its message, and refuses NUL in text.
    const failures = [
      () => ds.query('SELECT $1::uuid AS id', [people.f0.fullName]),
      () => ds.query('SELECT $1::text AS phone, $2::text AS id', [`${people.f0.phone}\u0000`, people.f0.nationalId]),
      () => ds.query('SELECT $1::int AS n', [`${run} Hùng Vương`]),
    ];
    for (const f of failures) {
      const err = await f().then(
        () => null,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(QueryFailedError);
      // What Nest's exception handler does with an error a route did not catch.
      cases.logger.error(err);
    }
    await eventually('the failing queries in the cases log', async () => {
      const added = readFileSync(cases.logFile, 'utf8').slice(before);
      return count(allLogs(), /query failed/g) - failedBefore >= 3 && count(added, /QueryFailedError/g) >= 3;
    });
  });

  it('no name, phone number or ID number of the test persons appears in any Kafka message or log line', async () => {
    // Let the last relayed events and consumers settle, so their messages and log lines are in.
    await topics.waitFor(
      (m) => m.topic === Topics.CASES && m.key?.toString() === f0 && String(m.headers?.ce_type) === 'ContactDeclared',
      2,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const secrets = Object.values(people).flatMap((p) => [
      p.fullName,
      p.fullName.split(' ').pop()!,
      p.phone.slice(1),
      p.nationalId,
    ]);
    secrets.push(`${run} Hùng Vương`);

    expect(topics.messages.length).toBeGreaterThan(10);
    const leaks: string[] = [];
    for (const m of topics.messages) {
      const text = [
        m.key?.toString() ?? '',
        m.value?.toString() ?? '',
        ...Object.values(m.headers ?? {}).map(String),
      ].join('\n');
      for (const s of secrets) if (text.includes(s)) leaks.push(`${m.topic}@${m.offset}`);
    }
    const logs = readdirSync(TEST_LOG_DIR).filter((f) => f.endsWith('.log'));
    expect(logs).toEqual(expect.arrayContaining(['cases.log', 'tracing.log']));
    let lines = 0;
    for (const f of logs) {
      const text = readFileSync(join(TEST_LOG_DIR, f), 'utf8');
      lines += text.split('\n').length;
      for (const s of secrets) if (text.includes(s)) leaks.push(`${f} contains identity data`);
    }
    expect(lines).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
    // The scan can see identity data where it is stored: the persons table holds it.
    const { rows } = await pg.query('SELECT full_name FROM cases.persons WHERE person_id = $1', [f0]);
    expect(rows[0].full_name).toBe(people.f0.fullName);
  });
});
