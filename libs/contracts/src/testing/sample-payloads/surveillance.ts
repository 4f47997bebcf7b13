import { Topics } from '../../topics';
import { SamplesOn } from './ids';

/** One valid payload per event type of surveillance.v1. */
export const SURVEILLANCE_SAMPLES: SamplesOn<typeof Topics.SURVEILLANCE> = {
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
