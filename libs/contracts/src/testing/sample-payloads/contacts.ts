import { Topics } from '../../topics';
import { CASE, SamplesOn } from './ids';

/** One valid payload per event type of contacts.v1. */
export const CONTACTS_SAMPLES: SamplesOn<typeof Topics.CONTACTS> = {
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
  ScreeningGroupResolved: {
    requestId: 'a1b2c3d4-0000-4000-8000-000000000181',
    planId: 'a1b2c3d4-0000-4000-8000-000000000180',
    round: 2,
    batch: 0,
    batches: 1,
    personIds: ['p-trader-1', 'p-trader-2'],
    truncated: false,
    resolvedAt: '2021-11-22T01:00:01Z',
  },
  ContactWithdrawn: {
    contactId: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b',
    personId: 'p-f1',
    sourceCaseId: CASE,
    previousDegree: 1,
    reason: 'NO_LONGER_EXPOSED',
    withdrawnAt: '2021-11-22T11:30:00Z',
  },
  ExposureSiteVisitorIdentified: {
    alertId: '5a6b7c8d-9e0f-5a1b-8c2d-3e4f5a6b7c8d',
    personId: 'p-visitor',
    sourcePersonId: 'p-f0',
    sourceCaseId: CASE,
    venueId: 'v-market-12',
    startedAt: '2021-11-20T09:00:00Z',
    endedAt: '2021-11-20T09:10:00Z',
    identifiedAt: '2021-11-22T10:00:05Z',
  },
};
