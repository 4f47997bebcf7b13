import { classValidatorSays as judged, PROBE_DATES, PROBE_IDS, PROBE_TIMES, probeUuids } from '../testing/fast-path';
import { FollowUpMissed, HealthCheckRecorded } from './care.v1';
import { certainFollowUpMissed, certainHealthCheckRecorded } from './care.v1.certain';

const valid = {
  followUpId: '3f1c2a9e-8b7d-4c4e-9a1b-2c3d4e5f6a7b',
  personId: 'p-1',
  areaCode: '20290',
  subject: 'QUARANTINE',
  orderId: '0b6e7a52-4c1f-4d2e-8f3a-9b8c7d6e5f40',
  dueOn: '2021-11-21',
  slot: 1,
  lastStatus: 'UNREACHABLE',
  lastCompletedOn: '2021-11-19',
  lostToFollowUp: false,
  missedAt: '2021-11-22T03:00:00.000Z',
};
type Field = keyof typeof valid;

describe('FollowUpMissed fast path (the care pass marks a day of missed follow-ups at once)', () => {
  it('accepts the payloads the care pass makes, as class-validator gives them', () => {
    const p = certainFollowUpMissed(valid);
    expect(p).toBeInstanceOf(FollowUpMissed);
    expect(JSON.parse(JSON.stringify(p))).toEqual(valid);
    expect(
      certainFollowUpMissed({ ...valid, lastStatus: null, lastCompletedOn: null, lostToFollowUp: true }),
    ).not.toBeNull();
  });

  it('never accepts what class-validator refuses, and gives the same payload when it accepts', () => {
    let accepted = 0;
    let cases = 0;
    const wrong: unknown[] = [];
    const check = (o: Record<string, unknown>) => {
      cases++;
      const fast = certainFollowUpMissed(o);
      const slow = judged(FollowUpMissed, o);
      if (fast === null) return;
      accepted++;
      if (!(fast instanceof FollowUpMissed) || !slow.valid || JSON.stringify(fast) !== slow.json) wrong.push(o);
    };
    for (const v of PROBE_IDS) check({ ...valid, personId: v });
    for (const v of [...PROBE_IDS, '49', 'a'.repeat(32), 'a'.repeat(33), 'x\ty']) check({ ...valid, areaCode: v });
    for (const f of ['followUpId', 'orderId'])
      for (const v of probeUuids(valid.followUpId)) check({ ...valid, [f]: v });
    for (const v of ['ISOLATION', 'QUARANTINE', 'WATCH', 'watch', '', null, 1, undefined])
      check({ ...valid, subject: v });
    for (const v of [0, 1, 2, 3, 4, 5, '1', 1.5, null, undefined]) check({ ...valid, slot: v });
    for (const v of ['DONE', 'UNREACHABLE', 'DUE', 'done', '', null, undefined, 0]) check({ ...valid, lastStatus: v });
    for (const d of [...PROBE_DATES, null]) check({ ...valid, dueOn: d });
    for (const d of [...PROBE_DATES, null]) check({ ...valid, lastCompletedOn: d });
    for (const v of [true, false, 'true', 0, 1, null, undefined]) check({ ...valid, lostToFollowUp: v });
    for (const t of PROBE_TIMES) check({ ...valid, missedAt: t });
    for (const f of Object.keys(valid) as Field[]) {
      const { [f]: _omit, ...rest } = valid;
      check(rest);
    }
    expect(wrong).toEqual([]);
    expect(cases).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(20);
  });
});

const check = {
  followUpId: '3f1c2a9e-8b7d-4c4e-9a1b-2c3d4e5f6a7b',
  personId: 'p-1',
  areaCode: '20290',
  subject: 'ISOLATION',
  orderId: '0b6e7a52-4c1f-4d2e-8f3a-9b8c7d6e5f40',
  dueOn: '2021-11-21',
  slot: 2,
  status: 'DONE',
  source: 'STAFF',
  temperatureC: 38.6,
  spo2: 95,
  symptoms: ['COUGH', 'FEVER'],
  warningSigns: ['LOW_SPO2'],
  recordedAt: '2021-11-21T03:00:00.000Z',
};
type CheckField = keyof typeof check;

describe('HealthCheckRecorded fast path (recording follow-ups through the API)', () => {
  it('accepts the payloads recording makes, as class-validator gives them', () => {
    const p = certainHealthCheckRecorded(check);
    expect(p).toBeInstanceOf(HealthCheckRecorded);
    expect(JSON.parse(JSON.stringify(p))).toEqual(check);
    const unreachable = {
      ...check,
      status: 'UNREACHABLE',
      temperatureC: null,
      spo2: null,
      symptoms: [],
      warningSigns: [],
    };
    expect(certainHealthCheckRecorded(unreachable)).not.toBeNull();
  });

  it('never accepts what class-validator refuses, and gives the same payload when it accepts', () => {
    let accepted = 0;
    let cases = 0;
    const wrong: unknown[] = [];
    const probe = (o: Record<string, unknown>) => {
      cases++;
      const fast = certainHealthCheckRecorded(o);
      const slow = judged(HealthCheckRecorded, o);
      if (fast === null) return;
      accepted++;
      if (!(fast instanceof HealthCheckRecorded) || !slow.valid || JSON.stringify(fast) !== slow.json) wrong.push(o);
    };
    for (const v of PROBE_IDS) probe({ ...check, personId: v });
    for (const v of [...PROBE_IDS, '49', 'a'.repeat(32), 'a'.repeat(33), 'x\ty']) probe({ ...check, areaCode: v });
    for (const f of ['followUpId', 'orderId'])
      for (const v of probeUuids(check.followUpId)) probe({ ...check, [f]: v });
    for (const v of ['ISOLATION', 'QUARANTINE', 'WATCH', 'watch', '', null, 1, undefined])
      probe({ ...check, subject: v });
    for (const v of [0, 1, 2, 3, 4, 5, '1', 1.5, null, undefined]) probe({ ...check, slot: v });
    for (const v of ['DONE', 'UNREACHABLE', 'DUE', 'done', '', null, undefined]) probe({ ...check, status: v });
    for (const v of ['STAFF', 'SELF_REPORT', 'staff', '', null, undefined]) probe({ ...check, source: v });
    for (const v of [29.9, 30, 36.6, 45, 45.1, NaN, Infinity, -Infinity, '37', null, undefined])
      probe({ ...check, temperatureC: v });
    for (const v of [49, 50, 95, 100, 101, 95.5, NaN, '95', null, undefined]) probe({ ...check, spo2: v });
    for (const v of [[], ['COUGH'], ['COUGH', 'COUGH'], ['cough'], ['NOPE'], 'COUGH', null, undefined, [1]])
      probe({ ...check, symptoms: v });
    for (const v of [[], ['LOW_SPO2', 'CHEST_PAIN'], ['LOW_SPO2', 'LOW_SPO2'], ['FEVER'], null, undefined])
      probe({ ...check, warningSigns: v });
    for (const d of [...PROBE_DATES, null]) probe({ ...check, dueOn: d });
    for (const t of PROBE_TIMES) probe({ ...check, recordedAt: t });
    for (const f of Object.keys(check) as CheckField[]) {
      const { [f]: _omit, ...rest } = check;
      probe(rest);
    }
    expect(wrong).toEqual([]);
    expect(cases).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(30);
  });
});
