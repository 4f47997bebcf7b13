import {
  CarePolicy,
  chooseBed,
  contactIsSymptomatic,
  isolationSchedule,
  medicallyFitForHome,
  placementFor,
  warningSignsOf,
} from './care-policy';
import { signSelfReport, verifySelfReport } from './self-report-token';

const policy: CarePolicy = {
  utcOffsetMinutes: 420,
  isolationMinDays: 10,
  releaseTestDays: [10],
  retestAfterDays: 3,
  homeFullDoses: 2,
  homeOneDoseDays: 14,
  homeAgeBands: ['1_TO_50'],
  checksPerDay: 1,
  homeCaseChecksPerDay: 2,
  lostAfterDays: 2,
  spo2Below: 96,
  feverC: 38.5,
  feverDays: 2,
  contactFeverC: 37.5,
};
const now = new Date('2021-11-22T00:00:00Z');
const young = {
  vaccineDoses: 0,
  lastDoseAt: null,
  ageBand: '1_TO_50' as const,
  underlyingCondition: false,
  pregnant: false,
};

describe('home treatment (domain.md defaults)', () => {
  it.each([
    [
      'fully vaccinated, any age',
      { ...young, ageBand: 'OVER_50' as const, underlyingCondition: true, vaccineDoses: 2 },
      true,
    ],
    [
      'one dose 14 days ago',
      { ...young, ageBand: 'OVER_50' as const, vaccineDoses: 1, lastDoseAt: new Date('2021-11-08T00:00:00Z') },
      true,
    ],
    [
      'one dose 13 days ago, over 50',
      { ...young, ageBand: 'OVER_50' as const, vaccineDoses: 1, lastDoseAt: new Date('2021-11-09T00:00:00Z') },
      false,
    ],
    ['aged 1–50, healthy, not pregnant', young, true],
    ['aged 1–50, pregnant', { ...young, pregnant: true }, false],
    ['aged 1–50, a listed disease', { ...young, underlyingCondition: true }, false],
    ['aged 1–50, disease unknown', { ...young, underlyingCondition: null }, false],
    ['under 1', { ...young, ageBand: 'UNDER_1' as const }, false],
    ['age unknown', { ...young, ageBand: null }, false],
  ])('%s', (_what, facts, fit) => {
    expect(medicallyFitForHome(facts, now, policy)).toBe(fit);
  });

  it('needs a home recorded as eligible, and unknown facts never qualify', () => {
    expect(placementFor(young, true, now, policy)).toBe('HOME');
    expect(placementFor(young, null, now, policy)).toBe('TREATMENT_FACILITY');
    expect(placementFor(young, false, now, policy)).toBe('TREATMENT_FACILITY');
    expect(placementFor(null, true, now, policy)).toBe('TREATMENT_FACILITY');
  });
});

describe('isolation schedule and beds', () => {
  it('releases no earlier than day 10, with the test on day 10 (today when that day has passed)', () => {
    expect(isolationSchedule('2021-11-21', '2021-11-22', policy)).toEqual({
      plannedEndOn: '2021-12-01',
      testDays: [10],
      tests: [{ dueOn: '2021-12-01', day: 10 }],
    });
    expect(isolationSchedule('2021-11-01', '2021-11-22', policy).tests).toEqual([{ dueOn: '2021-11-22', day: 21 }]);
  });

  it('takes a bed in the own area first, then anywhere; null when all are full', () => {
    const fs = [
      { id: 'b', areaCode: '79', capacity: 1 },
      { id: 'a', areaCode: '49', capacity: 1 },
    ];
    expect(chooseBed(fs, new Map(), '79')).toBe('b');
    expect(chooseBed(fs, new Map([['b', 1]]), '79')).toBe('a');
    expect(
      chooseBed(
        fs,
        new Map([
          ['a', 1],
          ['b', 1],
        ]),
        '79',
      ),
    ).toBeNull();
  });
});

describe('warning signs', () => {
  const reading = { temperatureC: null, spo2: null, symptoms: [] };
  it('flags SpO2 below 96 %, breathing difficulty and chest pain', () => {
    expect(warningSignsOf({ ...reading, spo2: 95 }, '2021-11-22', new Set(), policy)).toEqual(['LOW_SPO2']);
    expect(warningSignsOf({ ...reading, spo2: 96 }, '2021-11-22', new Set(), policy)).toEqual([]);
    expect(
      warningSignsOf({ ...reading, symptoms: ['CHEST_PAIN', 'BREATHING_DIFFICULTY'] }, '2021-11-22', new Set(), policy),
    ).toEqual(['BREATHING_DIFFICULTY', 'CHEST_PAIN']);
  });

  it('flags a fever of 38.5 °C only on its second consecutive day', () => {
    const hot = { ...reading, temperatureC: 38.5 };
    expect(warningSignsOf(hot, '2021-11-22', new Set(), policy)).toEqual([]);
    expect(warningSignsOf(hot, '2021-11-22', new Set(['2021-11-21']), policy)).toEqual(['PERSISTENT_HIGH_FEVER']);
    expect(warningSignsOf(hot, '2021-11-22', new Set(['2021-11-20']), policy)).toEqual([]);
    expect(warningSignsOf({ ...hot, temperatureC: 38.4 }, '2021-11-22', new Set(['2021-11-21']), policy)).toEqual([]);
  });

  it('counts a contact with symptoms or a fever as symptomatic', () => {
    expect(contactIsSymptomatic(reading, [], policy)).toBe(false);
    expect(contactIsSymptomatic({ ...reading, temperatureC: 37.5 }, [], policy)).toBe(true);
    expect(contactIsSymptomatic({ ...reading, symptoms: ['COUGH'] }, [], policy)).toBe(true);
  });
});

describe('self-report tokens', () => {
  const order = '5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f';
  const secret = 'x'.repeat(32);
  const token = signSelfReport(order, new Date('2021-12-08T17:00:00Z'), secret);
  it('verifies its own signature until it expires', () => {
    expect(verifySelfReport(token, now, secret)).toBe(order);
    expect(verifySelfReport(token, new Date('2021-12-08T17:00:00Z'), secret)).toBeNull();
  });
  it('refuses another key, a changed order or expiry, and garbage', () => {
    expect(verifySelfReport(token, now, 'y'.repeat(32))).toBeNull();
    const [, exp, sig] = token.split('.');
    expect(verifySelfReport(`${order.replace('5d', '6d')}.${exp}.${sig}`, now, secret)).toBeNull();
    expect(verifySelfReport(`${order}.${Number(exp) + 86400}.${sig}`, now, secret)).toBeNull();
    expect(verifySelfReport('nonsense', now, secret)).toBeNull();
  });
});
