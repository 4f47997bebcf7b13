import { Command, Decision, DecisionContext, Order, PersonState } from './decision';
import { addDays, chooseFacility, localDay, regimenFor, scheduleFrom, startOfDay } from './policy';

/**
 * The quarantine decider (plain TypeScript): `decide` turns a command and a person's state into
 * decisions, `evolve` applies a decision to the state. Its vocabulary is in decision.ts, the timer
 * rule in release.ts; both are re-exported here.
 */
export * from './decision';
export * from './release';

const ignored = (code: string): Decision => ({ type: 'Ignored', code });

/** HOME when the home qualifies, else a facility with a free place, else flagged for ops. */
function placement(
  state: PersonState,
  ctx: DecisionContext,
  areaCode: string | null,
): Pick<Order, 'kind' | 'facilityId' | 'needsFacility'> {
  if (state.homeEligible && ctx.policy.homeQuarantine !== false)
    return { kind: 'HOME', facilityId: null, needsFacility: false };
  const f = chooseFacility(ctx.facilities, ctx.occupied, areaCode);
  return { kind: 'CENTRALIZED', facilityId: f?.id ?? null, needsFacility: f === null };
}

function quarantineFrom(dayZero: string, state: PersonState, ctx: DecisionContext) {
  const today = localDay(ctx.now, ctx.policy.utcOffsetMinutes);
  return scheduleFrom(dayZero, regimenFor(state.profile, ctx.now, ctx.policy), today, ctx.policy);
}

export function decide(command: Command, state: PersonState, ctx: DecisionContext): Decision[] {
  const active = state.active;
  const today = localDay(ctx.now, ctx.policy.utcOffsetMinutes);
  switch (command.type) {
    case 'IdentifyContact': {
      if (state.openCase) return [ignored('OPEN_CASE')];
      const dayZero = localDay(command.lastExposureAt, ctx.policy.utcOffsetMinutes);
      const areaCode = state.profile?.areaCode ?? null;
      const source = { sourcePersonId: command.sourcePersonId, sourceCaseId: command.sourceCaseId };
      if (command.degree === 2) {
        if (active) return [ignored('ALREADY_UNDER_ORDER')];
        if (ctx.policy.f2Watch === false) return [ignored('F2_NOT_WATCHED')];
        const order: Order = {
          id: ctx.newId(),
          personId: state.personId,
          kind: 'SELF_MONITORING',
          facilityId: null,
          needsFacility: false,
          areaCode,
          degree: 2,
          ...source,
          dayZero,
          startsAt: ctx.now,
          endsAt: startOfDay(addDays(dayZero, ctx.policy.f2WatchDays), ctx.policy.utcOffsetMinutes),
          testDays: [],
          orderedAt: ctx.now,
        };
        if (order.endsAt <= ctx.now) return [ignored('EXPOSURE_TOO_OLD')];
        return [{ type: 'Ordered', order, tests: [] }];
      }
      const s = quarantineFrom(dayZero, state, ctx);
      if (!active) {
        if (s.endsAt <= ctx.now) return [ignored('EXPOSURE_TOO_OLD')];
        const order: Order = {
          id: ctx.newId(),
          personId: state.personId,
          ...placement(state, ctx, areaCode),
          areaCode,
          degree: 1,
          ...source,
          dayZero,
          startsAt: ctx.now,
          endsAt: s.endsAt,
          testDays: s.testDays,
          orderedAt: ctx.now,
        };
        return [{ type: 'Ordered', order, tests: s.tests }];
      }
      if (active.kind === 'SELF_MONITORING') {
        const later = dayZero > active.dayZero ? dayZero : active.dayZero;
        return [escalate(active, state, ctx, later, source)];
      }
      if (s.endsAt <= active.endsAt) return [ignored('NOT_LATER')];
      return [
        {
          type: 'Extended',
          order: { ...active, dayZero, endsAt: s.endsAt, testDays: s.testDays },
          previousEndsAt: active.endsAt,
          tests: s.tests,
          cancelTestsFrom: today,
        },
      ];
    }
    case 'EscalateWatch':
      if (!active || active.kind !== 'SELF_MONITORING') return [ignored('NO_WATCH')];
      if (state.openCase) return [ignored('OPEN_CASE')];
      return [
        escalate(active, state, ctx, active.dayZero, {
          sourcePersonId: active.sourcePersonId,
          sourceCaseId: active.sourceCaseId,
        }),
      ];
    case 'ClearWatch':
      if (!active || active.kind !== 'SELF_MONITORING') return [ignored('NO_WATCH')];
      return [{ type: 'Ended', order: active, reason: 'SOURCE_CLEARED' }];
    case 'BecomeCase':
      if (!active) return [ignored('NO_ORDER')];
      return [{ type: 'Ended', order: active, reason: 'CONVERTED_TO_CASE' }];
    case 'RecordResult': {
      if (!active || active.kind === 'SELF_MONITORING') return [ignored('NO_QUARANTINE')];
      switch (command.result) {
        case 'POSITIVE':
          return [{ type: 'Ended', order: active, reason: 'CONVERTED_TO_CASE' }];
        case 'INCONCLUSIVE': {
          const from = command.dueOn && command.dueOn > today ? command.dueOn : today;
          const dueOn = addDays(from, ctx.policy.retestAfterDays);
          const day = Math.round((Date.parse(dueOn) - Date.parse(active.dayZero)) / 86_400_000);
          return [{ type: 'RetestScheduled', order: active, test: { day, dueOn } }];
        }
        case 'NEGATIVE':
          return command.isExitTest ? [{ type: 'ExitTestNegative', order: active }] : [ignored('NEGATIVE')];
        default: {
          const unknown: never = command.result;
          throw new Error(`unknown result ${String(unknown)}`);
        }
      }
    }
    case 'ChangeHomeEligibility': {
      if (!active || active.kind !== 'HOME' || command.eligible) return [ignored('NO_MOVE')];
      const to = placement({ ...state, homeEligible: false }, ctx, active.areaCode);
      return [
        {
          type: 'Transferred',
          order: { ...active, ...to },
          previousKind: 'HOME',
          reason: 'HOME_INELIGIBLE',
          tests: [],
        },
      ];
    }
    case 'Cancel':
      if (!active) return [ignored('NO_ORDER')];
      return [{ type: 'Ended', order: active, reason: 'CANCELLED' }];
    case 'Arrive':
      return arrive(command, state, ctx);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * An arrival (issue 18): QUARANTINE is an F1's order with day 0 the arrival day (its source: the
 * person and the arrival); FOLLOW_UP is a self-monitoring order of `followUp.days` with its tests,
 * for someone under no order yet.
 */
function arrive(command: Extract<Command, { type: 'Arrive' }>, state: PersonState, ctx: DecisionContext): Decision[] {
  const source = { sourcePersonId: state.personId, sourceCaseId: command.arrivalId };
  if (command.action === 'QUARANTINE')
    return decide({ type: 'IdentifyContact', degree: 1, ...source, lastExposureAt: command.arrivedAt }, state, ctx).map(
      (d) => (d.type === 'Ordered' ? { ...d, order: { ...d.order, arrivalId: command.arrivalId } } : d),
    );
  if (state.openCase) return [ignored('OPEN_CASE')];
  if (state.active) return [ignored('ALREADY_UNDER_ORDER')];
  const today = localDay(ctx.now, ctx.policy.utcOffsetMinutes);
  const s = scheduleFrom(localDay(command.arrivedAt, ctx.policy.utcOffsetMinutes), command.followUp, today, ctx.policy);
  if (s.endsAt <= ctx.now) return [ignored('EXPOSURE_TOO_OLD')];
  const order: Order = {
    id: ctx.newId(),
    personId: state.personId,
    kind: 'SELF_MONITORING',
    facilityId: null,
    needsFacility: false,
    areaCode: state.profile?.areaCode ?? null,
    degree: 1,
    ...source,
    arrivalId: command.arrivalId,
    dayZero: s.dayZero,
    startsAt: ctx.now,
    endsAt: s.endsAt,
    testDays: s.testDays,
    orderedAt: ctx.now,
  };
  return [{ type: 'Ordered', order, tests: s.tests }];
}

function escalate(
  watch: Order,
  state: PersonState,
  ctx: DecisionContext,
  dayZero: string,
  source: Pick<Order, 'sourcePersonId' | 'sourceCaseId'>,
): Decision {
  const s = quarantineFrom(dayZero, state, ctx);
  const order: Order = {
    ...watch,
    ...placement(state, ctx, watch.areaCode),
    ...source,
    degree: 1,
    dayZero,
    endsAt: s.endsAt,
    testDays: s.testDays,
  };
  return { type: 'Transferred', order, previousKind: 'SELF_MONITORING', reason: 'ESCALATED', tests: s.tests };
}

export function evolve(state: PersonState, d: Decision): PersonState {
  switch (d.type) {
    case 'Ordered':
    case 'Extended':
    case 'Transferred':
      return { ...state, active: d.order };
    case 'Ended':
      return { ...state, active: null };
    case 'RetestScheduled':
    case 'ExitTestNegative':
    case 'Ignored':
      return state;
    default: {
      const unknown: never = d;
      throw new Error(`unknown decision ${JSON.stringify(unknown)}`);
    }
  }
}

/** How a decision changes facility occupancy (facility id → +1/-1). */
export function occupancyChange(before: Order | null, d: Decision): Map<string, number> {
  const delta = new Map<string, number>();
  const add = (id: string | null, n: number) => id && delta.set(id, (delta.get(id) ?? 0) + n);
  if (d.type === 'Ordered') add(d.order.facilityId, 1);
  if (d.type === 'Transferred') {
    add(before?.facilityId ?? null, -1);
    add(d.order.facilityId, 1);
  }
  if (d.type === 'Ended') add(d.order.facilityId, -1);
  return delta;
}
