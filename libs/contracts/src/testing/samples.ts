import { toKafkaHeaders } from '../headers';
import { RawMessage } from '../parse';
import { EVENT_TYPES, EventDefinition, EventMeta, EventPayloads, EventType } from '../registry';

// Fixtures for tests (this library's and consumers'): one valid payload per event type. The mapped
// type makes the compiler demand a sample for every event type added to the registry.
const CASE = '3f1c2a4e-8b7d-4c1a-9e2f-0a1b2c3d4e5f';
const QUARANTINE = '9b2d7e61-5c3a-4f8e-b1d2-6e7f8a9b0c1d';
const TEST = 'c4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70';

export const SAMPLE_PAYLOADS: { [K in EventType]: EventPayloads[K] } = {
  CheckInRecorded: {
    checkInId: 'qr-20211120-000123',
    personId: 'p-f0',
    venueId: 'v-market-12',
    checkedInAt: '2021-11-20T08:00:00Z',
    checkedOutAt: '2021-11-20T15:45:00.123+07:00',
    source: 'pc-covid-qr',
  },
  CaseConfirmed: {
    caseId: CASE,
    personId: 'p-f0',
    confirmedAt: '2021-11-22T10:00:00Z',
    symptomOnsetAt: '2021-11-21T06:00:00Z',
    sampleTakenAt: null,
    testType: 'PCR',
    origin: 'TEST_RESULT',
    areaCode: '79',
    sourceTestId: TEST,
  },
  CaseClosed: { caseId: CASE, personId: 'p-f0', closedAt: '2021-12-05T09:00:00Z', outcome: 'RECOVERED' },
  ContactDeclared: {
    declarationId: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
    caseId: CASE,
    sourcePersonId: 'p-f0',
    personId: 'p-spouse',
    kind: 'HOUSEHOLD',
    startedAt: '2021-11-19T10:00:00Z',
    endedAt: '2021-11-22T10:00:00Z',
    declaredAt: '2021-11-22T12:00:00Z',
  },
  PersonProfileChanged: {
    personId: 'p-f1',
    areaCode: '79',
    vaccineDoses: 2,
    lastDoseAt: '2021-09-01T00:00:00Z',
    recoveredAt: null,
    changedAt: '2021-11-20T00:00:00Z',
  },
  ContactIdentified: {
    contactId: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b',
    personId: 'p-f1',
    sourcePersonId: 'p-f0',
    sourceCaseId: CASE,
    degree: 1,
    exposure: {
      kind: 'CO_LOCATION',
      venueId: 'v-market-12',
      startedAt: '2021-11-20T08:10:00Z',
      endedAt: '2021-11-20T08:45:00Z',
    },
    lastExposureAt: '2021-11-20T08:45:00Z',
    identifiedAt: '2021-11-22T10:00:05Z',
  },
  ContactWithdrawn: {
    contactId: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b',
    personId: 'p-f1',
    sourceCaseId: CASE,
    previousDegree: 1,
    reason: 'NO_LONGER_EXPOSED',
    withdrawnAt: '2021-11-22T11:30:00Z',
  },
  QuarantineOrdered: {
    quarantineId: QUARANTINE,
    personId: 'p-f1',
    kind: 'HOME',
    facilityId: null,
    dayZero: '2021-11-20',
    startsAt: '2021-11-22T10:00:10Z',
    endsAt: '2021-11-27T17:00:00Z',
    testDays: [3, 7],
    sourceCaseId: CASE,
    sourcePersonId: 'p-f0',
    degree: 1,
    orderedAt: '2021-11-22T10:00:10Z',
    needsFacility: false,
  },
  QuarantineExtended: {
    quarantineId: QUARANTINE,
    personId: 'p-f1',
    previousEndsAt: '2021-11-27T17:00:00Z',
    endsAt: '2021-12-01T17:00:00Z',
    dayZero: '2021-11-24',
    testDays: [3, 7],
    extendedAt: '2021-11-24T09:00:00Z',
  },
  QuarantineTransferred: {
    quarantineId: QUARANTINE,
    personId: 'p-f1',
    previousKind: 'HOME',
    kind: 'CENTRALIZED',
    facilityId: 'qn-f1',
    needsFacility: false,
    reason: 'HOME_INELIGIBLE',
    dayZero: '2021-11-20',
    endsAt: '2021-12-04T17:00:00Z',
    testDays: [1, 7, 14],
    transferredAt: '2021-11-24T09:00:00Z',
  },
  QuarantineEnded: { quarantineId: QUARANTINE, personId: 'p-f1', endedAt: '2021-12-01T17:00:00Z', reason: 'COMPLETED' },
  TestScheduled: {
    testId: TEST,
    personId: 'p-f1',
    quarantineId: QUARANTINE,
    dueOn: '2021-11-23',
    day: 3,
    scheduledAt: '2021-11-22T10:00:10Z',
  },
  TestResultRecorded: {
    testId: TEST,
    personId: 'p-f1',
    quarantineId: QUARANTINE,
    result: 'NEGATIVE',
    testType: 'RAPID_ANTIGEN',
    purpose: 'QUARANTINE',
    sampleTakenAt: '2021-11-23T08:00:00Z',
    recordedAt: '2021-11-23T09:00:00Z',
  },
  ArrivalRegistered: {
    arrivalId: 'a1b2c3d4-0000-4000-8000-000000000018',
    personId: 'p-arrival',
    originAreaCode: '79',
    destinationAreaCode: '20290',
    arrivedAt: '2021-11-22T02:30:00Z',
    registeredAt: '2021-11-22T02:35:00Z',
    checkpoint: 'Chốt kiểm soát Bắc Hải Vân',
  },
  ArrivalDecided: {
    arrivalId: 'a1b2c3d4-0000-4000-8000-000000000018',
    personId: 'p-arrival',
    originAreaCode: '79',
    destinationAreaCode: '20290',
    arrivedAt: '2021-11-22T02:30:00Z',
    originLevel: 4,
    levelSource: 'ASSESSED',
    action: 'QUARANTINE',
    quarantineId: QUARANTINE,
    rule: 'level 4 (ASSESSED, area 79 since 2021-11-15T00:00:00.000Z): not fully vaccinated 14 days, tests 1,7,14; protected 7 days, tests 1,7',
    decidedAt: '2021-11-22T02:35:01Z',
  },
  EpidemicLevelChanged: {
    areaCode: '79',
    previousLevel: 2,
    level: 3,
    weekStart: '2021-11-15',
    casesPer100k: 152.4,
    changedAt: '2021-11-22T00:00:00Z',
    source: 'DECLARED',
    reason: 'cluster at the wholesale market',
    assessedLevel: 2,
  },
};

/** A copy of a sample as plain JSON, for tests that break it. */
export function samplePlain(type: EventType): Record<string, unknown> {
  return JSON.parse(JSON.stringify(SAMPLE_PAYLOADS[type]));
}

/**
 * A message as kafkajs delivers it (Buffers everywhere): the type's topic, the key the registry
 * computes from the sample, and well-formed CloudEvents headers. `value` may be any JSON-able thing.
 */
export function sampleMessage(
  type: EventType,
  value: unknown = SAMPLE_PAYLOADS[type],
  meta: Partial<EventMeta> = {},
): RawMessage {
  const def = EVENT_TYPES[type] as unknown as EventDefinition<object>;
  const headers = toKafkaHeaders({
    id: 'e-1',
    type,
    source: '/test',
    time: '2021-11-22T10:00:00Z',
    correlationId: 'e-0',
    causationId: null,
    ...meta,
  });
  return {
    topic: def.topic,
    key: Buffer.from(def.key(SAMPLE_PAYLOADS[type])),
    value: Buffer.from(JSON.stringify(value)),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
  };
}
