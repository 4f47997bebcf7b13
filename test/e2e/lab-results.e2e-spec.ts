import { createEvent, Topics } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { FHIR } from '../../apps/cases/src/lab-results/domain/fhir';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { TEST_LOG_DIR } from '../support/env';
import { recordIdentities } from '../support/identities';
import { db, eventually, http, startService, tap, TestService, tokenFor } from '../support/services';

/**
 * Issue 19 item 1 through the real cases and quarantine services and the real broker: a CSV and a
 * FHIR bundle of lab results confirm the positives (LabResultMatched → quarantine records the result
 * → TestResultRecorded → cases confirms the case) and queue the unmatched; a re-sent file changes
 * nothing; the queue is area-scoped and resolved by choosing or registering the person; no identity
 * value reaches a topic.
 */
describe('bulk lab results (CSV and FHIR)', () => {
  let cases: TestService;
  let quarantine: TestService;
  let pg: Client;
  let topics: TopicTap;
  const run = randomUUID().slice(0, 8);
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  const uploader = tokenFor('quarantine', `lab-${run}`, ['502']);
  const tracer502 = tokenFor('tracer', `tracer-502-${run}`, ['502']);
  const tracer503 = tokenFor('tracer', `tracer-503-${run}`, ['503']);
  const people = {
    an: { fullName: `Lê Văn An${run}`, phone: `09${digits(8)}`, nationalId: `0${digits(11)}`, areaCode: '20290' },
    binh: { fullName: `Phạm Thị Bình${run}`, phone: `03${digits(8)}`, nationalId: `1${digits(11)}`, areaCode: '20293' },
    hoian: { fullName: `Võ Văn Hội${run}`, phone: `07${digits(8)}`, nationalId: `2${digits(11)}`, areaCode: '20335' },
    walkIn: { fullName: `Đỗ Thị Mới${run}`, phone: `08${digits(8)}`, nationalId: `3${digits(11)}` },
    fhir: {
      fullName: `Huỳnh Văn Fhir${run}`,
      phone: `05${digits(8)}`,
      nationalId: `4${digits(11)}`,
      areaCode: '20296',
    },
  };
  const ids: Record<string, string> = {};
  const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
  const upload = (raw: string, contentType: string, token = uploader, query = '') =>
    http(cases.url, 'POST', `/lab-results${query}`, { token, raw, contentType });
  const resultRow = async (labResultId: string) =>
    (
      await pg.query('SELECT id, status, person_id, queue_reason FROM cases.lab_results WHERE lab_result_id = $1', [
        labResultId,
      ])
    ).rows[0];
  const caseOf = async (sourceTestId: string) =>
    (await pg.query('SELECT person_id, origin FROM cases.cases WHERE source_test_id = $1', [sourceTestId])).rows[0];
  const testOf = async (id: string) =>
    (await pg.query('SELECT person_id, result, test_type, purpose, status FROM quarantine.tests WHERE id = $1', [id]))
      .rows[0];

  beforeAll(async () => {
    topics = await tap([Topics.CASES, Topics.TESTING]);
    [cases, quarantine] = await Promise.all([startService(CasesService), startService(QuarantineService)]);
    pg = await db();
    for (const [key, p] of Object.entries(people)) {
      recordIdentities(TEST_LOG_DIR, p);
      if (!('areaCode' in p)) continue;
      const res = await http(cases.url, 'POST', '/persons', { role: 'tracer', body: p });
      expect(res.status).toBe(201);
      ids[key] = res.body.personId;
    }
  });

  afterAll(async () => {
    await Promise.all([cases?.close(), quarantine?.close(), topics?.close(), pg?.end()]);
  });

  const csv = () =>
    [
      'lab_result_id,person_id,national_id,phone,full_name,test_type,result,sample_taken_at',
      `CSV-${run}-1,,,${people.an.phone.replace(/^0/, '+84 ')},,94500-6,POSITIVE,${days(1)}`,
      `CSV-${run}-2,,${people.binh.nationalId},,,RAPID_ANTIGEN,NEGATIVE,${days(1)}`,
      `CSV-${run}-3,,,${people.walkIn.phone},"${people.walkIn.fullName}",PCR,POSITIVE,${days(1)}`,
      `CSV-${run}-4,,,${people.hoian.phone},,PCR,POSITIVE,${days(1)}`,
      `CSV-${run}-5,,${people.an.nationalId},${people.binh.phone},,PCR,NEGATIVE,${days(1)}`,
      `CSV-${run}-6,,,${people.an.phone},,PCR,POSITIVE,tomorrow`,
    ].join('\n');

  it('a CSV confirms the positive, records the negative and queues the unmatched and ambiguous, naming bad lines', async () => {
    const res = await upload(csv(), 'text/csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      format: 'CSV',
      unit: 'line',
      accepted: 5,
      matched: { count: 2, at: [2, 3] },
      queued: { count: 3, at: [4, 5, 6] },
      unchanged: { count: 0, at: [] },
      rejected: { count: 1, items: [{ at: 7, fields: [{ field: 'sample_taken_at' }] }] },
    });
    expect(JSON.stringify(res.body)).not.toContain(people.an.phone.slice(2));
    // Another area's person (Hội An) is not found by a Tam Kỳ uploader: queued, not revealed.
    expect(await resultRow(`CSV-${run}-4`)).toMatchObject({ status: 'QUEUED', queue_reason: 'NO_MATCH' });
    expect(await resultRow(`CSV-${run}-5`)).toMatchObject({ status: 'QUEUED', queue_reason: 'AMBIGUOUS' });

    const positive = await resultRow(`CSV-${run}-1`);
    expect(positive).toMatchObject({ status: 'MATCHED', person_id: ids.an });
    expect(await eventually('the positive recorded by quarantine', () => testOf(positive.id))).toMatchObject({
      person_id: ids.an,
      result: 'POSITIVE',
      test_type: 'PCR',
      purpose: 'UNSCHEDULED',
      status: 'RECORDED',
    });
    expect(await eventually('the case confirmed from it', () => caseOf(positive.id))).toEqual({
      person_id: ids.an,
      origin: 'TEST_RESULT',
    });
    const negative = await resultRow(`CSV-${run}-2`);
    expect(await eventually('the negative recorded', () => testOf(negative.id))).toMatchObject({
      person_id: ids.binh,
      result: 'NEGATIVE',
    });
    expect(await caseOf(negative.id)).toBeUndefined();
  });

  it('the same file again changes nothing; the same event again records nothing twice', async () => {
    const fromCases = (m: (typeof topics.messages)[number]) =>
      String(m.headers?.ce_type) === 'LabResultMatched' && String(m.headers?.ce_source) === '/cases';
    expect((await topics.waitFor(fromCases, 2)).length).toBe(2);
    const res = await upload(csv(), 'text/csv');
    expect(res.body).toMatchObject({
      accepted: 5,
      matched: { count: 0 },
      queued: { count: 0 },
      unchanged: { count: 5 },
    });
    const positive = await resultRow(`CSV-${run}-1`);
    // A second delivery of the result under a new event id (a replay, a re-publish): still one test, one case.
    const again = createEvent(
      'LabResultMatched',
      {
        resultId: positive.id,
        personId: ids.an,
        result: 'POSITIVE',
        testType: 'PCR',
        purpose: 'UNSCHEDULED',
        sampleTakenAt: days(1),
        matchedAt: new Date().toISOString(),
      },
      { source: '/test' },
    );
    await cases.app.get(EventPublisher).publish([again]);
    await eventually('the re-published event consumed by quarantine', async () => {
      const { rows } = await pg.query('SELECT 1 FROM quarantine.inbox WHERE event_id = $1', [again.meta.id]);
      return rows.length === 1;
    });
    expect(
      (await pg.query('SELECT count(*)::int AS n FROM quarantine.tests WHERE id = $1', [positive.id])).rows[0].n,
    ).toBe(1);
    expect(
      (await pg.query('SELECT count(*)::int AS n FROM cases.cases WHERE person_id = $1', [ids.an])).rows[0].n,
    ).toBe(1);
    const stored = await pg.query('SELECT count(*)::int AS n FROM cases.lab_results WHERE lab_result_id LIKE $1', [
      `CSV-${run}-%`,
    ]);
    expect(stored.rows[0].n).toBe(5);
  });

  it('a FHIR R4 bundle of DiagnosticReport + Observation confirms its positive and names its bad entries', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          fullUrl: 'urn:uuid:pat-1',
          resource: {
            resourceType: 'Patient',
            identifier: [{ system: FHIR.NATIONAL_ID, value: people.fhir.nationalId }],
            telecom: [{ system: 'phone', value: people.fhir.phone }],
          },
        },
        {
          fullUrl: 'urn:uuid:obs-1',
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: FHIR.LOINC, code: '94558-4' }] },
            valueCodeableConcept: { coding: [{ system: FHIR.SNOMED, code: '10828004' }] },
            effectiveDateTime: days(1),
          },
        },
        {
          resource: {
            resourceType: 'DiagnosticReport',
            status: 'final',
            identifier: [{ value: `FHIR-${run}-1` }],
            subject: { reference: 'urn:uuid:pat-1' },
            result: [{ reference: 'urn:uuid:obs-1' }],
          },
        },
        {
          resource: {
            resourceType: 'DiagnosticReport',
            status: 'preliminary',
            identifier: [{ value: `FHIR-${run}-2` }],
            subject: { reference: 'urn:uuid:pat-1' },
            result: [{ reference: 'urn:uuid:obs-1' }],
          },
        },
      ],
    };
    const res = await upload(JSON.stringify(bundle), 'application/fhir+json', uploader, '?purpose=SCREENING');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      format: 'FHIR',
      unit: 'entry',
      matched: { count: 1, at: [2] },
      rejected: { count: 1, items: [{ at: 3, fields: [{ field: 'entry[3].resource.status' }] }] },
    });
    const row = await resultRow(`FHIR-${run}-1`);
    expect(await eventually('the FHIR positive confirmed as a screening case', () => caseOf(row.id))).toEqual({
      person_id: ids.fhir,
      origin: 'SCREENING',
    });
  });

  it('a file that cannot be read is a 400 naming the field; no token is a 401', async () => {
    const bad = await upload('lab_result_id,phone\nx,0905123456\n', 'text/csv');
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([
      { field: 'header', problems: [expect.stringMatching(/missing columns test_type/)] },
    ]);
    expect((await upload('{', 'application/fhir+json')).status).toBe(400);
    expect((await upload('x', 'text/plain')).body.details[0].field).toBe('content-type');
    expect((await http(cases.url, 'POST', '/lab-results', { raw: csv(), contentType: 'text/csv' })).status).toBe(401);
    expect((await upload(csv(), 'text/csv', uploader, '?area=503')).status).toBe(403);
  });

  it('the review queue is area-scoped and resolved by choosing or registering the person, once', async () => {
    const queue = await http(cases.url, 'GET', '/lab-results/unmatched?limit=500', { token: tracer502 });
    expect(queue.status).toBe(200);
    const mine = queue.body.items.filter((i: { labResultId: string }) => i.labResultId.startsWith(`CSV-${run}`));
    expect(mine.map((i: { labResultId: string; reason: string }) => [i.labResultId, i.reason])).toEqual([
      [`CSV-${run}-3`, 'NO_MATCH'],
      [`CSV-${run}-4`, 'NO_MATCH'],
      [`CSV-${run}-5`, 'AMBIGUOUS'],
    ]);
    const other = await http(cases.url, 'GET', '/lab-results/unmatched?limit=500', { token: tracer503 });
    expect(other.body.items.filter((i: { labResultId: string }) => i.labResultId.startsWith(`CSV-${run}`))).toEqual([]);
    const walkIn = mine[0];
    expect(walkIn.given).toMatchObject({ fullName: people.walkIn.fullName });
    expect(
      (
        await http(cases.url, 'POST', `/lab-results/unmatched/${walkIn.id}`, {
          token: tracer503,
          body: { personId: ids.an },
        })
      ).status,
    ).toBe(404);
    // Choosing a person of another area reads as an unknown person.
    expect(
      (
        await http(cases.url, 'POST', `/lab-results/unmatched/${mine[1].id}`, {
          token: tracer502,
          body: { personId: ids.hoian },
        })
      ).status,
    ).toBe(404);

    const registered = await http(cases.url, 'POST', `/lab-results/unmatched/${walkIn.id}`, {
      token: tracer502,
      body: { person: { ...people.walkIn, areaCode: '20290' } },
    });
    expect(registered.status).toBe(200);
    expect(await eventually('the walk-in case', () => caseOf(walkIn.id))).toEqual({
      person_id: registered.body.personId,
      origin: 'TEST_RESULT',
    });
    const chosen = await http(cases.url, 'POST', `/lab-results/unmatched/${mine[2].id}`, {
      token: tracer502,
      body: { personId: ids.binh },
    });
    expect(chosen.body).toEqual({ id: mine[2].id, status: 'MATCHED', personId: ids.binh });
    expect(await eventually('the chosen result recorded', () => testOf(mine[2].id))).toMatchObject({
      person_id: ids.binh,
    });
    const again = await http(cases.url, 'POST', `/lab-results/unmatched/${mine[2].id}`, {
      token: tracer502,
      body: { personId: ids.binh },
    });
    expect(again.status).toBe(409);
    const both = await http(cases.url, 'POST', `/lab-results/unmatched/${mine[1].id}`, { token: tracer502, body: {} });
    expect(both.status).toBe(400);
  });

  it('cases takes a burst of TestResultRecorded in batches: a result twice, two positives of one person, one case each', async () => {
    const p1 = `lab-burst-${run}-1`;
    const p2 = `lab-burst-${run}-2`;
    const [t1, t2, t3, t4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const recorded = (testId: string, personId: string, result: 'POSITIVE' | 'NEGATIVE') =>
      createEvent(
        'TestResultRecorded',
        {
          testId,
          personId,
          quarantineId: null,
          result,
          testType: 'PCR',
          purpose: 'UNSCHEDULED',
          sampleTakenAt: days(1),
          recordedAt: new Date().toISOString(),
        },
        { source: '/test' },
      );
    const first = recorded(t1, p1, 'POSITIVE');
    const events = [
      first,
      recorded(t1, p1, 'POSITIVE'), // the same result again under another event id
      first, // the same event twice
      recorded(t2, p1, 'POSITIVE'), // p1 has an open case by now: no second case
      recorded(t3, p2, 'POSITIVE'),
      recorded(t4, p2, 'NEGATIVE'),
    ];
    await cases.app.get(EventPublisher).publish(events);
    await eventually('every event in the cases inbox', async () => {
      const { rows } = await pg.query(
        `SELECT count(*)::int AS n FROM cases.inbox WHERE consumer = 'cases' AND event_id = ANY($1)`,
        [[...new Set(events.map((e) => e.meta.id))]],
      );
      return rows[0].n === 5;
    });
    const made = await pg.query(
      'SELECT person_id, source_test_id FROM cases.cases WHERE person_id = ANY($1) ORDER BY person_id',
      [[p1, p2]],
    );
    expect(made.rows).toEqual([
      { person_id: p1, source_test_id: t1 },
      { person_id: p2, source_test_id: t3 },
    ]);
    // These tests only: the two new cases' isolations soon schedule release tests of their own.
    const status = await pg.query('SELECT test_id, result FROM cases.status_tests WHERE test_id = ANY($1)', [
      [t1, t2, t3, t4],
    ]);
    expect(new Map(status.rows.map((r) => [r.test_id, r.result]))).toEqual(
      new Map([
        [t1, 'POSITIVE'],
        [t2, 'POSITIVE'],
        [t3, 'POSITIVE'],
        [t4, 'NEGATIVE'],
      ]),
    );
  });

  it('no identity value the labs sent is on a topic', () => {
    const values = Object.values(people).flatMap((p) => [p.phone.slice(1), p.nationalId, p.fullName]);
    for (const m of topics.messages) {
      const text = `${m.value?.toString() ?? ''} ${JSON.stringify(m.headers ?? {})}`;
      for (const v of values) expect(text).not.toContain(v);
    }
    expect(topics.messages.some((m) => String(m.headers?.ce_type) === 'LabResultMatched')).toBe(true);
  });
});
