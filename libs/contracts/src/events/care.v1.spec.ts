import { parse, validatePayload } from '../parse';
import { EVENT_TYPES, EventType } from '../registry';
import { sampleMessage, samplePlain } from '../testing/samples';
import { Topics } from '../topics';

const bad = (type: EventType, change: (p: Record<string, unknown>) => void): string[] => {
  const p = samplePlain(type);
  change(p);
  return validatePayload(type, p).map((x) => x.field);
};

describe('care.v1 payloads', () => {
  it('puts the six care event types on care.v1, keyed by personId', () => {
    for (const t of [
      'IsolationOrdered',
      'IsolationTransferred',
      'IsolationEnded',
      'HealthCheckRecorded',
      'FollowUpMissed',
      'CareEscalated',
    ] as const) {
      expect(EVENT_TYPES[t].topic).toBe(Topics.CARE);
      expect(sampleMessage(t).key?.toString()).toBe(samplePlain(t).personId);
    }
  });

  it('puts FacilityBedsChanged on care.v1, keyed by facilityId (a facility, not a person)', () => {
    expect(EVENT_TYPES.FacilityBedsChanged.topic).toBe(Topics.CARE);
    expect(sampleMessage('FacilityBedsChanged').key?.toString()).toBe('tf-79-01');
    expect(Object.keys(samplePlain('FacilityBedsChanged')).sort()).toEqual(
      ['areaCode', 'capacity', 'changedAt', 'facilityId', 'free', 'occupied'].sort(),
    );
  });

  it('accepts a day without measurements and an empty symptom list', () => {
    const p = samplePlain('HealthCheckRecorded');
    Object.assign(p, { status: 'UNREACHABLE', temperatureC: null, spo2: null, symptoms: [], warningSigns: [] });
    expect(validatePayload('HealthCheckRecorded', p)).toEqual([]);
  });

  it.each<[EventType, string, (p: Record<string, unknown>) => void, string[]]>([
    ['IsolationOrdered', 'an unknown kind', (p) => (p.kind = 'HOTEL'), ['kind']],
    ['IsolationOrdered', 'firstDay not a date', (p) => (p.firstDay = '2021-11-21T00:00:00Z'), ['firstDay']],
    ['IsolationOrdered', 'needsBed absent', (p) => delete p.needsBed, ['needsBed']],
    ['IsolationEnded', 'an unknown reason', (p) => (p.reason = 'ESCAPED'), ['reason']],
    ['HealthCheckRecorded', 'an unknown symptom', (p) => (p.symptoms = ['FEVER', 'SNEEZING']), ['symptoms']],
    ['HealthCheckRecorded', 'a repeated symptom', (p) => (p.symptoms = ['FEVER', 'FEVER']), ['symptoms']],
    ['HealthCheckRecorded', 'a temperature in Fahrenheit', (p) => (p.temperatureC = 101.3), ['temperatureC']],
    ['HealthCheckRecorded', 'SpO2 above 100 %', (p) => (p.spo2 = 101), ['spo2']],
    ['HealthCheckRecorded', 'a fractional SpO2', (p) => (p.spo2 = 95.5), ['spo2']],
    ['HealthCheckRecorded', 'NaN as a temperature', (p) => (p.temperatureC = NaN), ['temperatureC']],
    ['FollowUpMissed', 'lastCompletedOn absent', (p) => delete p.lastCompletedOn, ['lastCompletedOn']],
    ['CareEscalated', 'an unknown target', (p) => (p.to = 'ICU'), ['to']],
    ['FacilityBedsChanged', 'negative free beds', (p) => (p.free = -3), ['free']],
    ['FacilityBedsChanged', 'a fractional capacity', (p) => (p.capacity = 12.5), ['capacity']],
  ])('%s: refuses %s', (type, _what, change, fields) => {
    expect(bad(type, change)).toEqual(fields);
  });

  it('drops a free-text note a producer might add, so it never travels on the topic', () => {
    const value = { ...samplePlain('HealthCheckRecorded'), note: 'coughing since Tuesday' };
    const result = parse(sampleMessage('HealthCheckRecorded', value));
    if (!result.ok) throw result.error;
    expect(Object.keys(result.event.payload)).not.toContain('note');
  });
});
