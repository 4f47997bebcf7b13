import { Topics } from '../../topics';
import { SamplesOn } from './ids';

/** One valid payload per event type of checkins.v1. */
export const CHECKINS_SAMPLES: SamplesOn<typeof Topics.CHECKINS> = {
  CheckInRecorded: {
    checkInId: 'qr-20211120-000123',
    personId: 'p-f0',
    venueId: 'v-market-12',
    checkedInAt: '2021-11-20T08:00:00Z',
    checkedOutAt: '2021-11-20T15:45:00.123+07:00',
    source: 'pc-covid-qr',
  },
};
