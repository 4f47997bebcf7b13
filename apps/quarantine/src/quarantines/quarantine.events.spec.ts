import { Topics } from '@ct/contracts';
import { Decision, Order } from './domain/quarantine';
import { effectsOf } from './quarantine.effects';
import { decisionEvent, decisionEvents, quarantineEnded, testScheduled } from './quarantine.events';

const AT = '2021-11-22T03:00:00.000Z';
const Q = '6f1c2b4e-8a3d-4c5e-9f10-2b3c4d5e6f70';
const CASE = '0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a';
const CAUSE = { correlationId: 'corr-1', causationId: 'evt-1' };
const order: Order = {
  id: Q,
  personId: 'p-1',
  kind: 'HOME',
  facilityId: null,
  needsFacility: false,
  areaCode: '49',
  degree: 1,
  sourcePersonId: 'p-f0',
  sourceCaseId: CASE,
  dayZero: '2021-11-20',
  startsAt: new Date('2021-11-22T03:00:00Z'),
  endsAt: new Date('2021-12-03T17:00:00Z'),
  testDays: [1, 7, 14],
  orderedAt: new Date('2021-11-22T03:00:00Z'),
};
const tests = [
  { day: 7, dueOn: '2021-11-27' },
  { day: 14, dueOn: '2021-12-04' },
];
let n = 0;
const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
beforeEach(() => (n = 0));

/** What the outbox gets of an event, without its random id. */
function shape(e: ReturnType<typeof decisionEvent>) {
  if (!e) return null;
  const { id, ...meta } = e.meta;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return { topic: e.topic, key: e.key, meta, payload: { ...e.payload } };
}
const meta = (type: string) => ({ type, source: '/quarantine', time: AT, ...CAUSE });

describe('decision → event (the one mapper of the workflow, the release pass and the result handler)', () => {
  it('Ordered → QuarantineOrdered', () => {
    expect(shape(decisionEvent({ type: 'Ordered', order, tests }, AT, CAUSE))).toEqual({
      topic: Topics.QUARANTINE,
      key: 'p-1',
      meta: meta('QuarantineOrdered'),
      payload: {
        quarantineId: Q,
        personId: 'p-1',
        kind: 'HOME',
        facilityId: null,
        dayZero: '2021-11-20',
        startsAt: '2021-11-22T03:00:00.000Z',
        endsAt: '2021-12-03T17:00:00.000Z',
        testDays: [1, 7, 14],
        sourceCaseId: CASE,
        sourcePersonId: 'p-f0',
        degree: 1,
        orderedAt: '2021-11-22T03:00:00.000Z',
        needsFacility: false,
      },
    });
  });

  it('Extended → QuarantineExtended', () => {
    const d: Decision = {
      type: 'Extended',
      order: { ...order, dayZero: '2021-11-21', endsAt: new Date('2021-12-04T17:00:00Z') },
      previousEndsAt: order.endsAt,
      tests,
      cancelTestsFrom: '2021-11-22',
    };
    expect(shape(decisionEvent(d, AT, CAUSE))).toEqual({
      topic: Topics.QUARANTINE,
      key: 'p-1',
      meta: meta('QuarantineExtended'),
      payload: {
        quarantineId: Q,
        personId: 'p-1',
        previousEndsAt: '2021-12-03T17:00:00.000Z',
        endsAt: '2021-12-04T17:00:00.000Z',
        dayZero: '2021-11-21',
        testDays: [1, 7, 14],
        extendedAt: AT,
      },
    });
  });

  it('Transferred → QuarantineTransferred', () => {
    const d: Decision = {
      type: 'Transferred',
      order: { ...order, kind: 'CENTRALIZED', facilityId: 'f-qn' },
      previousKind: 'HOME',
      reason: 'HOME_INELIGIBLE',
      tests: [],
    };
    expect(shape(decisionEvent(d, AT, CAUSE))).toEqual({
      topic: Topics.QUARANTINE,
      key: 'p-1',
      meta: meta('QuarantineTransferred'),
      payload: {
        quarantineId: Q,
        personId: 'p-1',
        previousKind: 'HOME',
        kind: 'CENTRALIZED',
        facilityId: 'f-qn',
        needsFacility: false,
        reason: 'HOME_INELIGIBLE',
        dayZero: '2021-11-20',
        endsAt: '2021-12-03T17:00:00.000Z',
        testDays: [1, 7, 14],
        transferredAt: AT,
      },
    });
  });

  it.each(['COMPLETED', 'CONVERTED_TO_CASE', 'SOURCE_CLEARED', 'CANCELLED'] as const)(
    'Ended (%s) → QuarantineEnded',
    (reason) => {
      expect(shape(decisionEvent({ type: 'Ended', order, reason }, AT, CAUSE))).toEqual({
        topic: Topics.QUARANTINE,
        key: 'p-1',
        meta: meta('QuarantineEnded'),
        payload: { quarantineId: Q, personId: 'p-1', endedAt: AT, reason },
      });
    },
  );

  it('RetestScheduled, ExitTestNegative and Ignored announce nothing themselves', () => {
    const retest: Decision = { type: 'RetestScheduled', order, test: { day: 3, dueOn: '2021-11-23' } };
    expect(decisionEvent(retest, AT, CAUSE)).toBeNull();
    expect(decisionEvent({ type: 'ExitTestNegative', order }, AT, CAUSE)).toBeNull();
    expect(decisionEvent({ type: 'Ignored', code: 'NOT_LATER' }, AT, CAUSE)).toBeNull();
    expect(decisionEvents({ type: 'ExitTestNegative', order }, AT, CAUSE, newId)).toEqual({ event: null, tests: [] });
    expect(decisionEvents({ type: 'Ignored', code: 'NOT_LATER' }, AT, CAUSE, newId)).toEqual({
      event: null,
      tests: [],
    });
  });

  it('a decision with tests: its own event, then one TestScheduled per test, in order', () => {
    const out = decisionEvents({ type: 'Ordered', order, tests }, AT, CAUSE, newId);
    expect(out.event?.meta.type).toBe('QuarantineOrdered');
    expect(out.tests.map((t) => t.test)).toEqual([
      { id: newIdAt(1), personId: 'p-1', quarantineId: Q, dueOn: '2021-11-27', day: 7 },
      { id: newIdAt(2), personId: 'p-1', quarantineId: Q, dueOn: '2021-12-04', day: 14 },
    ]);
    expect(out.tests.map((t) => shape(t.event))).toEqual([
      {
        topic: Topics.TESTING,
        key: 'p-1',
        meta: meta('TestScheduled'),
        payload: { testId: newIdAt(1), personId: 'p-1', quarantineId: Q, dueOn: '2021-11-27', day: 7, scheduledAt: AT },
      },
      {
        topic: Topics.TESTING,
        key: 'p-1',
        meta: meta('TestScheduled'),
        payload: {
          testId: newIdAt(2),
          personId: 'p-1',
          quarantineId: Q,
          dueOn: '2021-12-04',
          day: 14,
          scheduledAt: AT,
        },
      },
    ]);
  });

  it('RetestScheduled → one TestScheduled for the retest', () => {
    const out = decisionEvents(
      { type: 'RetestScheduled', order, test: { day: 3, dueOn: '2021-11-23' } },
      AT,
      CAUSE,
      newId,
    );
    expect(out.event).toBeNull();
    expect(out.tests.map((t) => t.event.payload)).toEqual([
      { testId: newIdAt(1), personId: 'p-1', quarantineId: Q, dueOn: '2021-11-23', day: 3, scheduledAt: AT },
    ]);
  });

  it('the release pass: QuarantineEnded without a cause correlates to itself', () => {
    const e = quarantineEnded({ id: Q, personId: 'p-1' }, 'COMPLETED', AT, {});
    expect(e.payload).toEqual({ quarantineId: Q, personId: 'p-1', endedAt: AT, reason: 'COMPLETED' });
    expect(e.meta).toEqual({
      id: e.meta.id,
      type: 'QuarantineEnded',
      source: '/quarantine',
      time: AT,
      correlationId: e.meta.id,
      causationId: null,
    });
  });

  it('the result handler: a retest outside any quarantine', () => {
    const e = testScheduled(
      { id: newIdAt(9), personId: 'p-2', quarantineId: null, dueOn: '2021-11-23', day: null },
      AT,
      CAUSE,
    );
    expect(shape(e)).toEqual({
      topic: Topics.TESTING,
      key: 'p-2',
      meta: meta('TestScheduled'),
      payload: {
        testId: newIdAt(9),
        personId: 'p-2',
        quarantineId: null,
        dueOn: '2021-11-23',
        day: null,
        scheduledAt: AT,
      },
    });
  });
});

describe('effects of a run of decisions', () => {
  it('rows and events in order; an extension in the same run drops the tests it replans', () => {
    const at = new Date(AT);
    const extended: Order = { ...order, dayZero: '2021-11-21', endsAt: new Date('2021-12-04T17:00:00Z') };
    const fx = effectsOf(
      [
        { decision: { type: 'Ordered', order, tests }, cause: CAUSE, before: null },
        {
          decision: {
            type: 'Extended',
            order: extended,
            previousEndsAt: order.endsAt,
            tests: [{ day: 14, dueOn: '2021-12-05' }],
            cancelTestsFrom: '2021-11-28',
          },
          cause: CAUSE,
          before: order,
        },
        {
          decision: { type: 'Ended', order: extended, reason: 'CANCELLED' },
          cause: { note: 'moved' },
          before: extended,
        },
      ],
      at,
      newId,
    );
    expect([...fx.inserted]).toEqual([extended]);
    expect([...fx.updated]).toEqual([]);
    expect(fx.ended).toEqual([{ order: extended, reason: 'CANCELLED' }]);
    expect(fx.cancelTestsFrom).toEqual([{ quarantineId: Q, from: '2021-11-28' }]);
    expect(fx.tests.map((t) => [t.id, t.dueOn])).toEqual([
      [newIdAt(1), '2021-11-27'],
      [newIdAt(3), '2021-12-05'],
    ]);
    expect(fx.events.map((e) => [e.meta.type, (e.payload as { testId?: string }).testId])).toEqual([
      ['QuarantineOrdered', undefined],
      ['TestScheduled', newIdAt(1)],
      ['QuarantineExtended', undefined],
      ['TestScheduled', newIdAt(3)],
      ['QuarantineEnded', undefined],
    ]);
    expect(fx.history).toEqual([
      {
        quarantineId: Q,
        change: 'ORDERED',
        previousKind: null,
        kind: 'HOME',
        previousEndsAt: null,
        endsAt: order.endsAt,
        dayZero: '2021-11-20',
        facilityId: null,
        reason: null,
      },
      {
        quarantineId: Q,
        change: 'EXTENDED',
        previousKind: null,
        kind: 'HOME',
        previousEndsAt: order.endsAt,
        endsAt: extended.endsAt,
        dayZero: '2021-11-21',
        facilityId: null,
        reason: null,
      },
      {
        quarantineId: Q,
        change: 'ENDED',
        previousKind: 'HOME',
        kind: null,
        previousEndsAt: extended.endsAt,
        endsAt: null,
        dayZero: null,
        facilityId: null,
        reason: 'CANCELLED: moved',
      },
    ]);
  });

  it('a transfer keeps the order before it in its history row; a centralized order without a place says so', () => {
    const placed: Order = { ...order, kind: 'CENTRALIZED', facilityId: null, needsFacility: true };
    const moved: Order = { ...placed, facilityId: 'f-qn', needsFacility: false };
    const fx = effectsOf(
      [
        { decision: { type: 'Ordered', order: placed, tests: [] }, cause: CAUSE, before: null },
        {
          decision: { type: 'Transferred', order: moved, previousKind: 'CENTRALIZED', reason: 'ESCALATED', tests: [] },
          cause: CAUSE,
          before: placed,
        },
      ],
      new Date(AT),
      newId,
    );
    expect(fx.history.map((h) => [h.change, h.previousKind, h.kind, h.previousEndsAt, h.facilityId, h.reason])).toEqual(
      [
        ['ORDERED', null, 'CENTRALIZED', null, null, 'NO_FACILITY_FREE'],
        ['TRANSFERRED', 'CENTRALIZED', 'CENTRALIZED', placed.endsAt, 'f-qn', 'ESCALATED'],
      ],
    );
    expect([...fx.inserted]).toEqual([moved]);
  });
});

function newIdAt(i: number): string {
  return `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}
