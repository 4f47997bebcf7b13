import { Topics } from '../../topics';
import { QUARANTINE, SamplesOn, TEST } from './ids';

/** One valid payload per event type of testing.v1. */
export const TESTING_SAMPLES: SamplesOn<typeof Topics.TESTING> = {
  TestScheduled: {
    testId: TEST,
    personId: 'p-f1',
    quarantineId: QUARANTINE,
    dueOn: '2021-11-23',
    day: 3,
    scheduledAt: '2021-11-22T10:00:10Z',
  },
  ScreeningGroupRequested: {
    requestId: 'a1b2c3d4-0000-4000-8000-000000000181',
    planId: 'a1b2c3d4-0000-4000-8000-000000000180',
    round: 2,
    venueIds: ['venue-cho-tam-ky'],
    venueCategories: ['WHOLESALE_MARKET'],
    since: '2021-11-15T17:00:00Z',
    until: '2021-11-22T17:00:00Z',
    requestedAt: '2021-11-22T01:00:00Z',
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
};
