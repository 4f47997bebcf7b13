import { Topics } from '../../topics';
import { CASE, SamplesOn, TEST } from './ids';

/** One valid payload per event type of cases.v1. */
export const CASES_SAMPLES: SamplesOn<typeof Topics.CASES> = {
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
    ageBand: '1_TO_50',
    underlyingCondition: false,
    pregnant: false,
  },
  LabResultMatched: {
    resultId: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e',
    personId: 'p-f1',
    result: 'POSITIVE',
    testType: 'PCR',
    purpose: 'UNSCHEDULED',
    sampleTakenAt: '2021-11-22T08:00:00Z',
    matchedAt: '2021-11-23T09:00:00Z',
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
};
