import { toKafkaHeaders, readHeaders } from './headers';
import { ALL_EVENT_TYPES, EVENT_TYPES, eventTypesOf } from './registry';
import { ALL_TOPICS, dlqTopic, Topics } from './topics';

describe('topics and the event registry', () => {
  it('lists the seven v1 topics', () => {
    expect([...ALL_TOPICS].sort()).toEqual([
      'care.v1',
      'cases.v1',
      'checkins.v1',
      'contacts.v1',
      'quarantine.v1',
      'surveillance.v1',
      'testing.v1',
    ]);
    expect(dlqTopic(Topics.CASES)).toBe('cases.v1.dlq');
  });

  it('puts every event type on a known topic and every topic carries at least one type', () => {
    for (const type of ALL_EVENT_TYPES) expect(ALL_TOPICS).toContain(EVENT_TYPES[type].topic);
    for (const topic of ALL_TOPICS) expect(eventTypesOf(topic).length).toBeGreaterThan(0);
    expect(eventTypesOf(Topics.CASES)).toEqual([
      'CaseConfirmed',
      'CaseClosed',
      'ContactDeclared',
      'PersonProfileChanged',
      'LabResultMatched',
      'ArrivalRegistered',
    ]);
    expect(eventTypesOf(Topics.CARE)).toEqual([
      'IsolationOrdered',
      'IsolationTransferred',
      'IsolationEnded',
      'HealthCheckRecorded',
      'FollowUpMissed',
      'CareEscalated',
      'FacilityBedsChanged',
    ]);
    expect(eventTypesOf('unknown.v1')).toEqual([]);
  });
});

describe('CloudEvents headers', () => {
  const meta = {
    id: 'e-2',
    type: 'CaseClosed' as const,
    source: '/cases',
    time: '2021-12-05T09:00:00Z',
    correlationId: 'e-1',
    causationId: null,
  };

  it('writes binary-mode headers and omits a null causation id', () => {
    expect(toKafkaHeaders(meta)).toEqual({
      ce_specversion: '1.0',
      ce_id: 'e-2',
      ce_type: 'CaseClosed',
      ce_source: '/cases',
      ce_time: '2021-12-05T09:00:00Z',
      'content-type': 'application/json',
      ce_correlationid: 'e-1',
    });
    expect(toKafkaHeaders({ ...meta, causationId: 'e-1' }).ce_causationid).toBe('e-1');
  });

  it('reads Buffers, strings and repeated headers as strings', () => {
    expect(
      readHeaders({
        ce_id: Buffer.from('e-2'),
        CE_Type: 'CaseClosed',
        ce_source: [Buffer.from('/a'), '/b'],
        gone: undefined,
      }),
    ).toEqual({
      ce_id: 'e-2',
      ce_type: 'CaseClosed',
      ce_source: '/b',
    });
    expect(readHeaders(undefined)).toEqual({});
  });
});
