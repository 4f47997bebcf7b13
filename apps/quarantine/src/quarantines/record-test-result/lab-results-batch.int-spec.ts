import { createEvent, EventEnvelope, Topics } from '@ct/contracts';
import { EventPublisher, Outbox, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { ServiceClock, TransactionHost } from '@ct/platform';
import { ControllableClock } from '@ct/platform/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, eventually, startService, tap, TestService } from '../../../../../test/support/services';
import { QuarantineService } from '../../service';
import { QuarantineWorkflow } from '../quarantine.workflow';
import { LabResult, RecordLabResultsHandler } from './record-lab-results.handler';
import { RecordTestResultHandler } from './record-test-result.handler';

/**
 * Lab results matched by cases (LabResultMatched) are recorded in batches (issue 19: 10,000 in one
 * upload). The batch must leave what recording them one at a time (the path POST /test-results and
 * the former per-event handler take) leaves: the same tests, quarantines and events, for a list
 * with a result twice, a positive then a negative for one person, an inconclusive in and outside a
 * quarantine and a result recorded before. Then the same through the real broker and consumer.
 */
describe('lab results recorded in batches (LabResultMatched)', () => {
  let svc: TestService;
  let pg: Client;
  let topics: TopicTap;
  let tx: TransactionHost;
  let handler: RecordTestResultHandler;
  let batch: RecordLabResultsHandler;
  let workflow: QuarantineWorkflow;
  let outbox: Outbox;
  const clock = new ControllableClock(new Date('2021-11-22T03:00:00Z'));
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    topics = await tap([Topics.TESTING]);
    svc = await startService(QuarantineService, {
      QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
      QUARANTINE_FACILITIES: JSON.stringify([{ id: `fac-${run}-49`, name: 'Tam Ky', areaCode: '49', capacity: 10000 }]),
    });
    svc.app.get(ServiceClock).use(clock);
    tx = svc.app.get(TransactionHost);
    handler = svc.app.get(RecordTestResultHandler);
    batch = svc.app.get(RecordLabResultsHandler);
    workflow = svc.app.get(QuarantineWorkflow);
    outbox = svc.app.get(Outbox);
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([svc?.close(), topics?.close(), pg?.end()]);
  });

  /** An F1's quarantine ordered directly through the workflow (no broker needed). */
  const quarantine = (personId: string) =>
    tx.run(() =>
      workflow.run([
        {
          personId,
          cause: { correlationId: randomUUID() },
          command: {
            type: 'IdentifyContact',
            degree: 1,
            sourcePersonId: `f0-${run}`,
            sourceCaseId: randomUUID(),
            lastExposureAt: new Date('2021-11-21T01:00:00Z'),
          },
        },
      ]),
    );

  /** The scenario for one group of people (a, b, c): its results in order, with fresh ids. */
  const scenario = (g: string) => {
    const who = { q1: `lab-${run}-${g}-q1`, q2: `lab-${run}-${g}-q2`, free: `lab-${run}-${g}-free` };
    const id = { r0: randomUUID(), r1: randomUUID(), r2: randomUUID(), r3: randomUUID(), r4: randomUUID() };
    const ids = { ...id, r5: randomUUID(), r6: randomUUID() };
    const r = (testId: string, personId: string, result: LabResult['input']['result']): LabResult => ({
      testId,
      personId,
      purpose: 'UNSCHEDULED',
      input: { result, testType: 'PCR', sampleTakenAt: '2021-11-21T08:00:00Z', recordedBy: 'cases:lab-results' },
      cause: { correlationId: randomUUID(), causationId: randomUUID() },
    });
    const before = r(ids.r0, who.free, 'NEGATIVE');
    const list = [
      r(ids.r1, who.q1, 'NEGATIVE'),
      r(ids.r1, who.q1, 'NEGATIVE'), // the same result twice
      r(ids.r2, who.q1, 'POSITIVE'), // ends q1's quarantine
      r(ids.r3, who.q1, 'NEGATIVE'), // after it: outside any quarantine
      r(ids.r4, who.q2, 'INCONCLUSIVE'), // retest in the quarantine
      r(ids.r5, who.free, 'INCONCLUSIVE'), // retest outside
      r(ids.r6, who.free, 'POSITIVE'), // no quarantine to end (cases confirms the case)
      r(ids.r0, who.q2, 'POSITIVE'), // recorded before (for another person even): nothing
    ];
    return { who, ids, before, list };
  };
  type Scenario = ReturnType<typeof scenario>;

  /** What a group's results left: tests, quarantines and the events added, with ids named. */
  const snapshot = async (s: Scenario, events: EventEnvelope[]) => {
    const persons = Object.values(s.who);
    const role = new Map<string, string>([
      ...Object.entries(s.who).map(([k, v]) => [v, k] as [string, string]),
      ...Object.entries(s.ids).map(([k, v]) => [v, k] as [string, string]),
    ]);
    const orders = await pg.query(
      `SELECT id, person_id, status, end_reason FROM quarantine.quarantines WHERE person_id = ANY($1) ORDER BY person_id`,
      [persons],
    );
    orders.rows.forEach((o) => role.set(o.id, `order of ${role.get(o.person_id)}`));
    const name = (v: unknown) => (typeof v === 'string' ? (role.get(v) ?? 'new id') : v);
    const tests = await pg.query(
      `SELECT id, person_id, quarantine_id, purpose, status, result, test_type, recorded_by,
              to_char(due_on, 'YYYY-MM-DD') AS due_on
         FROM quarantine.tests WHERE person_id = ANY($1)`,
      [persons],
    );
    const mine = events.filter((e) => persons.includes((e.payload as { personId: string }).personId));
    return {
      orders: orders.rows.map((o) => [role.get(o.person_id), o.status, o.end_reason]),
      tests: tests.rows
        .map((t) => [
          name(t.id),
          role.get(t.person_id),
          name(t.quarantine_id),
          t.purpose,
          t.status,
          t.result,
          t.test_type,
          t.recorded_by,
          t.due_on,
        ])
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      // Per person, in the order they were added (the order each person's events reach the topics).
      events: persons.map((p) =>
        mine
          .filter((e) => (e.payload as { personId: string }).personId === p)
          .map((e) => {
            const pl = e.payload as unknown as Record<string, unknown>;
            return [e.meta.type, name(pl.testId), name(pl.quarantineId), pl.result ?? pl.reason ?? pl.dueOn ?? null];
          }),
      ),
    };
  };

  const prepare = async (s: Scenario) => {
    await quarantine(s.who.q1);
    await quarantine(s.who.q2);
    await handler.other(s.before.personId, s.before.purpose, s.before.input, s.before.testId);
  };

  it('a batch leaves the same tests, quarantines and events as the results one at a time', async () => {
    const one = scenario('one');
    const many = scenario('many');
    await prepare(one);
    await prepare(many);

    // Every event added to the outbox (the outbox as it is, only watched).
    const spy = jest.spyOn(outbox, 'add');
    let recorded: string[];
    let added: EventEnvelope[];
    try {
      for (const r of one.list) await handler.other(r.personId, r.purpose, r.input, r.testId);
      recorded = await tx.run(() => batch.labResults(many.list));
    } finally {
      added = spy.mock.calls.flat();
      spy.mockRestore();
    }
    const a = await snapshot(one, added);
    const b = await snapshot(many, added);
    expect(b).toEqual(a);

    // And what that is, spelled out: r1 once, r0 not again, q1 converted by r2, r3 outside it,
    // a retest in q2's quarantine and one outside for the free person.
    const named = (id: string) => Object.entries(many.ids).find(([, v]) => v === id)?.[0];
    expect(recorded.map(named).sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(b.orders).toEqual([
      ['q1', 'ENDED', 'CONVERTED_TO_CASE'],
      ['q2', 'ACTIVE', null],
    ]);
    const test = (n: string) => b.tests.filter((t) => t[0] === n);
    const lab = ['UNSCHEDULED', 'RECORDED'];
    expect(test('r0')).toEqual([['r0', 'free', null, ...lab, 'NEGATIVE', 'PCR', 'cases:lab-results', null]]);
    expect(test('r1')).toEqual([['r1', 'q1', 'order of q1', ...lab, 'NEGATIVE', 'PCR', 'cases:lab-results', null]]);
    expect(test('r2')).toEqual([['r2', 'q1', 'order of q1', ...lab, 'POSITIVE', 'PCR', 'cases:lab-results', null]]);
    expect(test('r3')).toEqual([['r3', 'q1', null, ...lab, 'NEGATIVE', 'PCR', 'cases:lab-results', null]]);
    expect(test('r4')[0].slice(0, 3)).toEqual(['r4', 'q2', 'order of q2']);
    expect(test('r6')[0].slice(0, 6)).toEqual(['r6', 'free', null, ...lab, 'POSITIVE']);
    const [q1, q2, free] = b.events;
    expect(q1.filter((e) => e[0] !== 'TestScheduled')).toEqual([
      ['TestResultRecorded', 'r1', 'order of q1', 'NEGATIVE'],
      ['TestResultRecorded', 'r2', 'order of q1', 'POSITIVE'],
      ['QuarantineEnded', undefined, 'order of q1', 'CONVERTED_TO_CASE'],
      ['TestResultRecorded', 'r3', null, 'NEGATIVE'],
    ]);
    expect(q2.map((e) => e.slice(0, 3))).toEqual([
      ['TestResultRecorded', 'r4', 'order of q2'],
      ['TestScheduled', 'new id', 'order of q2'],
    ]);
    expect(free.map((e) => e.slice(0, 3))).toEqual([
      ['TestResultRecorded', 'r5', null],
      ['TestScheduled', 'new id', null],
      ['TestResultRecorded', 'r6', null],
    ]);
  });

  it('through the broker: a burst of LabResultMatched, some twice, is recorded once each, in or outside a quarantine', async () => {
    const inQ = `lab-${run}-k-q`;
    const early = `lab-${run}-k-early`; // the result before the contact that quarantines them
    await quarantine(inQ);
    const matched = (personId: string, result: 'POSITIVE' | 'NEGATIVE', resultId: string = randomUUID()) =>
      createEvent(
        'LabResultMatched',
        {
          resultId,
          personId,
          result,
          testType: 'RAPID_ANTIGEN',
          purpose: 'SCREENING',
          sampleTakenAt: '2021-11-21T08:00:00Z',
          matchedAt: '2021-11-22T02:00:00Z',
        },
        { source: '/test' },
      );
    const negative = matched(inQ, 'NEGATIVE');
    const again = matched(inQ, 'NEGATIVE', negative.payload.resultId); // re-sent under a new event id
    const positive = matched(inQ, 'POSITIVE');
    const first = matched(early, 'NEGATIVE');
    const publisher = svc.app.get(EventPublisher);
    await publisher.publish([negative, negative, again, positive, first]);
    const ids = [negative, again, positive, first].map((e) => e.meta.id);
    await eventually('every event in the inbox', async () => {
      const { rows } = await pg.query('SELECT count(*)::int AS n FROM quarantine.inbox WHERE event_id = ANY($1)', [
        ids,
      ]);
      return rows[0].n === ids.length;
    });
    const test = async (id: string) =>
      (
        await pg.query(
          `SELECT t.person_id, t.result, t.purpose, t.status, q.id IS NOT NULL AS in_quarantine
             FROM quarantine.tests t LEFT JOIN quarantine.quarantines q ON q.id = t.quarantine_id WHERE t.id = $1`,
          [id],
        )
      ).rows;
    expect(await test(negative.payload.resultId)).toEqual([
      { person_id: inQ, result: 'NEGATIVE', purpose: 'SCREENING', status: 'RECORDED', in_quarantine: true },
    ]);
    expect(await test(positive.payload.resultId)).toEqual([
      { person_id: inQ, result: 'POSITIVE', purpose: 'SCREENING', status: 'RECORDED', in_quarantine: true },
    ]);
    expect(await test(first.payload.resultId)).toEqual([
      { person_id: early, result: 'NEGATIVE', purpose: 'SCREENING', status: 'RECORDED', in_quarantine: false },
    ]);
    const ended = await pg.query(`SELECT status, end_reason FROM quarantine.quarantines WHERE person_id = $1`, [inQ]);
    expect(ended.rows).toEqual([{ status: 'ENDED', end_reason: 'CONVERTED_TO_CASE' }]);
    // One TestResultRecorded per result, continuing the LabResultMatched event's correlation.
    const recorded = (m: TappedMessage) =>
      String(m.headers?.ce_type) === 'TestResultRecorded' &&
      [negative, positive, first].some((e) => String(m.value).includes(e.payload.resultId));
    const published = await topics.waitFor(recorded, 3);
    expect(published.map((m) => String(m.headers?.ce_correlationid)).sort()).toEqual(
      [negative, positive, first].map((e) => e.meta.correlationId).sort(),
    );
    // The contact that comes after the result quarantines them as it would have anyway.
    await quarantine(early);
    const later = await pg.query(`SELECT status FROM quarantine.quarantines WHERE person_id = $1`, [early]);
    expect(later.rows).toEqual([{ status: 'ACTIVE' }]);
  });
});
