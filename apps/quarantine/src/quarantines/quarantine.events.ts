import { createEvent, EventEnvelope } from '@ct/contracts';
import { PlannedTest } from './domain/policy';
import { Decision, EndReason, NewTest, Order } from './domain/quarantine';

/**
 * The one mapper from the quarantine service's decisions to its events (quarantine.v1, testing.v1):
 * the workflow announces every decision with it, the release pass its ends (QuarantineEnded) and the
 * result handler a retest outside a quarantine (TestScheduled).
 */

const SOURCE = '/quarantine';

/** Correlation and causation of the events (none for the timer's own changes). */
export interface EventCause {
  correlationId?: string;
  causationId?: string;
}

/** A decision's events: its own (null when it announces none), then one TestScheduled per test it plans. */
export interface DecisionEvents {
  event: EventEnvelope | null;
  tests: { test: NewTest; event: EventEnvelope }[];
}

function opts(cause: EventCause, at: string) {
  return { source: SOURCE, correlationId: cause.correlationId, causationId: cause.causationId, time: at };
}

export function testScheduled(t: NewTest, at: string, cause: EventCause): EventEnvelope {
  return createEvent(
    'TestScheduled',
    { testId: t.id, personId: t.personId, quarantineId: t.quarantineId, dueOn: t.dueOn, day: t.day, scheduledAt: at },
    opts(cause, at),
  );
}

export function quarantineEnded(
  order: Pick<Order, 'id' | 'personId'>,
  reason: EndReason,
  at: string,
  cause: EventCause,
): EventEnvelope {
  return createEvent(
    'QuarantineEnded',
    { quarantineId: order.id, personId: order.personId, endedAt: at, reason },
    opts(cause, at),
  );
}

export function quarantineOrdered(o: Order, at: string, cause: EventCause): EventEnvelope {
  return createEvent(
    'QuarantineOrdered',
    {
      quarantineId: o.id,
      personId: o.personId,
      kind: o.kind,
      facilityId: o.facilityId,
      dayZero: o.dayZero,
      startsAt: o.startsAt.toISOString(),
      endsAt: o.endsAt.toISOString(),
      testDays: o.testDays,
      sourceCaseId: o.sourceCaseId,
      sourcePersonId: o.sourcePersonId,
      degree: o.degree,
      orderedAt: o.orderedAt.toISOString(),
      needsFacility: o.needsFacility,
      ...(o.arrivalId ? { arrivalId: o.arrivalId } : {}),
    },
    opts(cause, at),
  );
}

/** The event that announces a decision itself, or null (a retest announces only its test; the rest nothing). */
export function decisionEvent(d: Decision, at: string, cause: EventCause): EventEnvelope | null {
  switch (d.type) {
    case 'Ordered':
      return quarantineOrdered(d.order, at, cause);
    case 'Extended':
      return createEvent(
        'QuarantineExtended',
        {
          quarantineId: d.order.id,
          personId: d.order.personId,
          previousEndsAt: d.previousEndsAt.toISOString(),
          endsAt: d.order.endsAt.toISOString(),
          dayZero: d.order.dayZero,
          testDays: d.order.testDays,
          extendedAt: at,
        },
        opts(cause, at),
      );
    case 'Transferred':
      return createEvent(
        'QuarantineTransferred',
        {
          quarantineId: d.order.id,
          personId: d.order.personId,
          previousKind: d.previousKind,
          kind: d.order.kind,
          facilityId: d.order.facilityId,
          needsFacility: d.order.needsFacility,
          reason: d.reason,
          dayZero: d.order.dayZero,
          endsAt: d.order.endsAt.toISOString(),
          testDays: d.order.testDays,
          transferredAt: at,
        },
        opts(cause, at),
      );
    case 'Ended':
      return quarantineEnded(d.order, d.reason, at, cause);
    case 'RetestScheduled':
    case 'ExitTestNegative':
    case 'Ignored':
      return null;
    default: {
      const unknown: never = d;
      throw new Error(`unknown decision ${JSON.stringify(unknown)}`);
    }
  }
}

/** The order a decision plans tests for, and those tests (null: none). */
function testsOf(d: Decision): { order: Order; tests: PlannedTest[] } | null {
  switch (d.type) {
    case 'Ordered':
    case 'Extended':
    case 'Transferred':
      return { order: d.order, tests: d.tests };
    case 'RetestScheduled':
      return { order: d.order, tests: [d.test] };
    case 'Ended':
    case 'ExitTestNegative':
    case 'Ignored':
      return null;
    default: {
      const unknown: never = d;
      throw new Error(`unknown decision ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Every event of a decision, at `at` (ISO-8601): its own, then one TestScheduled per test it
 * plans (their ids from `newId`), in that order.
 */
export function decisionEvents(d: Decision, at: string, cause: EventCause, newId: () => string): DecisionEvents {
  const event = decisionEvent(d, at, cause);
  const planned = testsOf(d);
  if (!planned) return { event, tests: [] };
  const { order, tests } = planned;
  return {
    event,
    tests: tests.map((t) => {
      const test: NewTest = {
        id: newId(),
        personId: order.personId,
        quarantineId: order.id,
        dueOn: t.dueOn,
        day: t.day,
      };
      return { test, event: testScheduled(test, at, cause) };
    }),
  };
}
