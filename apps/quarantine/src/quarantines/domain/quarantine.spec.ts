import {
  Command,
  decide,
  Decision,
  DecisionContext,
  evolve,
  occupancyChange,
  Order,
  PersonState,
  releaseOutcome,
} from './quarantine';
import {
  chooseFacility,
  isProtected,
  localDay,
  parseDayList,
  PersonProfile,
  QuarantinePolicy,
  regimenFor,
  scheduleFor,
} from './policy';

const policy: QuarantinePolicy = {
  utcOffsetMinutes: 420,
  unvaccinated: { days: 14, testDays: [1, 7, 14] },
  protected: { days: 7, testDays: [1, 7] },
  fullDoses: 2,
  doseMinDays: 14,
  doseMaxMonths: 6,
  recoveredMonths: 6,
  f2WatchDays: 14,
  retestAfterDays: 1,
};
const NOW = new Date('2021-11-22T03:00:00Z'); // 10:00 in Vietnam, 22 November
const facilities = [
  { id: 'f-hcm', name: 'HCM', areaCode: '79', capacity: 1 },
  { id: 'f-qn', name: 'QN', areaCode: '49', capacity: 2 },
];

let ids = 0;
function ctx(over: Partial<DecisionContext> = {}): DecisionContext {
  return { now: NOW, policy, facilities, occupied: new Map(), newId: () => `q-${++ids}`, ...over };
}
function person(over: Partial<PersonState> = {}): PersonState {
  return { personId: 'p-1', openCase: false, profile: null, homeEligible: false, active: null, ...over };
}
const exposure = (over: Partial<Extract<Command, { type: 'IdentifyContact' }>> = {}): Command => ({
  type: 'IdentifyContact',
  degree: 1,
  sourcePersonId: 'p-f0',
  sourceCaseId: 'c-1',
  lastExposureAt: new Date('2021-11-20T08:00:00Z'),
  ...over,
});
const vaccinated: PersonProfile = {
  areaCode: '49',
  vaccineDoses: 2,
  lastDoseAt: new Date('2021-09-01T00:00:00Z'),
  recoveredAt: null,
};

/** given a person, when the commands run in order, then the last decisions. */
function given(state: PersonState, c: DecisionContext = ctx()) {
  return {
    when: (...commands: Command[]): { decisions: Decision[]; state: PersonState } => {
      let s = state;
      let last: Decision[] = [];
      for (const cmd of commands) {
        last = decide(cmd, s, c);
        s = last.reduce(evolve, s);
      }
      return { decisions: last, state: s };
    },
  };
}
const only = <T extends Decision['type']>(ds: Decision[], type: T) => {
  expect(ds.map((d) => d.type)).toEqual([type]);
  return ds[0] as Extract<Decision, { type: T }>;
};

describe('policy', () => {
  it('counts day 0 as the local (UTC+7) calendar day of the last exposure', () => {
    expect(localDay(new Date('2021-11-20T18:30:00Z'), 420)).toBe('2021-11-21');
    expect(localDay(new Date('2021-11-20T16:59:59Z'), 420)).toBe('2021-11-20');
  });

  it('unknown status gets the stricter rule; 2 doses 14 days to 6 months ago or recovery within 6 months the lighter one', () => {
    expect(regimenFor(null, NOW, policy)).toBe(policy.unvaccinated);
    expect(regimenFor(vaccinated, NOW, policy)).toBe(policy.protected);
    expect(isProtected({ ...vaccinated, vaccineDoses: 1 }, NOW, policy)).toBe(false);
    expect(isProtected({ ...vaccinated, lastDoseAt: new Date('2021-11-10T00:00:00Z') }, NOW, policy)).toBe(false); // 12 days
    expect(isProtected({ ...vaccinated, lastDoseAt: new Date('2021-05-01T00:00:00Z') }, NOW, policy)).toBe(false); // > 6 months
    expect(
      isProtected(
        { ...vaccinated, vaccineDoses: 0, lastDoseAt: null, recoveredAt: new Date('2021-08-01T00:00:00Z') },
        NOW,
        policy,
      ),
    ).toBe(true);
    expect(
      isProtected(
        { ...vaccinated, vaccineDoses: 0, lastDoseAt: null, recoveredAt: new Date('2021-03-01T00:00:00Z') },
        NOW,
        policy,
      ),
    ).toBe(false);
  });

  it('schedules the test days from day 0, skips days already past, and ends when day 14 begins', () => {
    const s = scheduleFor(new Date('2021-11-20T08:00:00Z'), policy.unvaccinated, '2021-11-22', policy);
    expect(s.dayZero).toBe('2021-11-20');
    expect(s.tests).toEqual([
      { day: 7, dueOn: '2021-11-27' },
      { day: 14, dueOn: '2021-12-04' },
    ]);
    expect(s.testDays).toEqual([1, 7, 14]);
    expect(s.endsAt.toISOString()).toBe('2021-12-03T17:00:00.000Z');
  });

  it("chooses a facility in the person's area with a free place, then any, then none", () => {
    expect(chooseFacility(facilities, new Map(), '49')?.id).toBe('f-qn');
    expect(chooseFacility(facilities, new Map([['f-qn', 2]]), '49')?.id).toBe('f-hcm');
    expect(
      chooseFacility(
        facilities,
        new Map([
          ['f-qn', 2],
          ['f-hcm', 1],
        ]),
        '49',
      ),
    ).toBeNull();
    expect(parseDayList('14,1,7,7')).toEqual([1, 7, 14]);
  });
});

describe('ordering on ContactIdentified', () => {
  it('F1, unknown status, home not recorded: 14-day centralized quarantine in a free facility with tests on days 1, 7, 14', () => {
    const { decisions } = given(person()).when(exposure({ lastExposureAt: new Date('2021-11-21T08:00:00Z') }));
    const d = only(decisions, 'Ordered');
    expect(d.order).toMatchObject({
      kind: 'CENTRALIZED',
      facilityId: 'f-hcm',
      needsFacility: false,
      dayZero: '2021-11-21',
      degree: 1,
      testDays: [1, 7, 14],
    });
    expect(d.tests.map((t) => t.dueOn)).toEqual(['2021-11-22', '2021-11-28', '2021-12-05']);
  });

  it('fully vaccinated with an eligible home: 7 days at home, tests on days 1 and 7', () => {
    const d = only(
      given(person({ profile: vaccinated, homeEligible: true })).when(
        exposure({ lastExposureAt: new Date('2021-11-21T08:00:00Z') }),
      ).decisions,
      'Ordered',
    );
    expect(d.order).toMatchObject({ kind: 'HOME', facilityId: null, testDays: [1, 7] });
    expect(d.order.endsAt.toISOString()).toBe('2021-11-27T17:00:00.000Z');
  });

  it('no facility free: the order is still made, flagged needsFacility', () => {
    const d = only(
      given(
        person(),
        ctx({
          occupied: new Map([
            ['f-qn', 2],
            ['f-hcm', 1],
          ]),
        }),
      ).when(exposure()).decisions,
      'Ordered',
    );
    expect(d.order).toMatchObject({ kind: 'CENTRALIZED', facilityId: null, needsFacility: true });
  });

  it('a person with an open case is not quarantined', () => {
    expect(only(given(person({ openCase: true })).when(exposure()).decisions, 'Ignored').code).toBe('OPEN_CASE');
  });

  it('F2: a self-monitoring watch without facility or tests', () => {
    const d = only(given(person()).when(exposure({ degree: 2, sourcePersonId: 'p-f1' })).decisions, 'Ordered');
    expect(d.order).toMatchObject({
      kind: 'SELF_MONITORING',
      facilityId: null,
      degree: 2,
      sourcePersonId: 'p-f1',
      testDays: [],
    });
    expect(d.tests).toEqual([]);
  });

  it('the same contact identified twice changes nothing the second time', () => {
    expect(only(given(person()).when(exposure(), exposure()).decisions, 'Ignored').code).toBe('NOT_LATER');
  });
});

describe('re-exposure, escalation, release of watches', () => {
  it('a later exposure during quarantine extends it, keeps the previous end, reschedules tests from today', () => {
    const { decisions } = given(person()).when(
      exposure(),
      exposure({ lastExposureAt: new Date('2021-11-22T02:00:00Z') }),
    );
    const d = only(decisions, 'Extended');
    expect(d.previousEndsAt.toISOString()).toBe('2021-12-03T17:00:00.000Z');
    expect(d.order.endsAt.toISOString()).toBe('2021-12-05T17:00:00.000Z');
    expect(d.order.dayZero).toBe('2021-11-22');
    expect(d.cancelTestsFrom).toBe('2021-11-22');
    expect(d.tests.map((t) => t.dueOn)).toEqual(['2021-11-23', '2021-11-29', '2021-12-06']);
  });

  it('an F2 whose F1 becomes a case is escalated to quarantine with tests', () => {
    const { decisions } = given(person()).when(exposure({ degree: 2 }), { type: 'EscalateWatch' });
    const d = only(decisions, 'Transferred');
    expect(d).toMatchObject({ previousKind: 'SELF_MONITORING', reason: 'ESCALATED' });
    expect(d.order).toMatchObject({ kind: 'CENTRALIZED', degree: 1, testDays: [1, 7, 14] });
    expect(d.tests.length).toBe(2);
  });

  it('an F2 identified as F1 directly is escalated too', () => {
    const d = only(given(person()).when(exposure({ degree: 2 }), exposure()).decisions, 'Transferred');
    expect(d.reason).toBe('ESCALATED');
  });

  it('an F2 is released SOURCE_CLEARED when their F1 is cleared; a quarantine is not', () => {
    expect(only(given(person()).when(exposure({ degree: 2 }), { type: 'ClearWatch' }).decisions, 'Ended').reason).toBe(
      'SOURCE_CLEARED',
    );
    expect(only(given(person()).when(exposure(), { type: 'ClearWatch' }).decisions, 'Ignored').code).toBe('NO_WATCH');
  });
});

describe('test results', () => {
  const result = (r: 'POSITIVE' | 'NEGATIVE' | 'INCONCLUSIVE', isExitTest = false): Command => ({
    type: 'RecordResult',
    result: r,
    day: 7,
    dueOn: '2021-11-27',
    isExitTest,
  });

  it('positive converts the quarantine to a case', () => {
    const { decisions, state } = given(person()).when(exposure(), result('POSITIVE'));
    expect(only(decisions, 'Ended').reason).toBe('CONVERTED_TO_CASE');
    expect(state.active).toBeNull();
  });

  it('inconclusive schedules a retest the next day', () => {
    const d = only(given(person()).when(exposure(), result('INCONCLUSIVE')).decisions, 'RetestScheduled');
    expect(d.test).toEqual({ day: 8, dueOn: '2021-11-28' });
  });

  it("a negative exit test clears the person's F2s; a negative earlier test does nothing", () => {
    only(given(person()).when(exposure(), result('NEGATIVE', true)).decisions, 'ExitTestNegative');
    only(given(person()).when(exposure(), result('NEGATIVE')).decisions, 'Ignored');
  });
});

describe('home eligibility, cancellation, occupancy', () => {
  it('home no longer eligible moves an active home quarantine to a facility', () => {
    const { decisions, state } = given(person({ homeEligible: true })).when(exposure(), {
      type: 'ChangeHomeEligibility',
      eligible: false,
    });
    const d = only(decisions, 'Transferred');
    expect(d).toMatchObject({ previousKind: 'HOME', reason: 'HOME_INELIGIBLE' });
    expect(d.order).toMatchObject({ kind: 'CENTRALIZED', facilityId: 'f-hcm' });
    expect(state.active?.kind).toBe('CENTRALIZED');
    expect(occupancyChange({ facilityId: null } as Order, d)).toEqual(new Map([['f-hcm', 1]]));
  });

  it('cancel ends the order CANCELLED, and frees its facility place', () => {
    const { decisions } = given(person()).when(exposure(), { type: 'Cancel' });
    const d = only(decisions, 'Ended');
    expect(d.reason).toBe('CANCELLED');
    expect(occupancyChange(d.order, d)).toEqual(new Map([['f-hcm', -1]]));
    expect(only(given(person()).when({ type: 'Cancel' }).decisions, 'Ignored').code).toBe('NO_ORDER');
  });
});

describe('release timer rule', () => {
  const order = { kind: 'HOME' as const, endsAt: new Date('2021-12-03T17:00:00Z') };
  const after = new Date('2021-12-04T03:00:00Z');
  it('waits before the end', () => {
    expect(
      releaseOutcome(order, { status: 'RECORDED', result: 'NEGATIVE', dueOn: '2021-12-04' }, NOW, '2021-11-22'),
    ).toBe('WAIT');
  });
  it('releases after the end with a negative exit test', () => {
    expect(
      releaseOutcome(order, { status: 'RECORDED', result: 'NEGATIVE', dueOn: '2021-12-04' }, after, '2021-12-04'),
    ).toBe('RELEASE');
  });
  it('waits on the exit test day, flags overdue once it has passed without a negative result', () => {
    expect(releaseOutcome(order, { status: 'SCHEDULED', result: null, dueOn: '2021-12-04' }, after, '2021-12-04')).toBe(
      'WAIT',
    );
    expect(releaseOutcome(order, { status: 'SCHEDULED', result: null, dueOn: '2021-12-04' }, after, '2021-12-05')).toBe(
      'OVERDUE',
    );
    expect(releaseOutcome(order, null, after, '2021-12-04')).toBe('OVERDUE');
  });
  it('a watch ends at its end without a test', () => {
    expect(releaseOutcome({ ...order, kind: 'SELF_MONITORING' }, null, after, '2021-12-04')).toBe('RELEASE');
  });
});
