import { Init1763900000000 } from './1763900000000-init';
import { Quarantine1763900000601 } from './1763900000601-quarantine';
import { OutboxWithoutEventIdIndex1763900001000 } from './1763900001000-outbox-without-event-id-index';
import { CaseAreas1763900003000 } from './1763900003000-case-areas';
import { Care1763900004000 } from './1763900004000-care';
import { AreaLevels1763900004210 } from './1763900004210-area-levels';
import { Arrivals1763900004230 } from './1763900004230-arrivals';
import { Screening1763900004240 } from './1763900004240-screening';
import { ExportLog1763900004302 } from './1763900004302-export-log';
import { CareSpeed1763900005000 } from './1763900005000-care-speed';
import { ScreeningVenueGroups1763900005101 } from './1763900005101-screening-venue-groups';

/** In order of application; a new migration is appended, never edited once released. */
export const migrations = [
  Init1763900000000,
  Quarantine1763900000601,
  OutboxWithoutEventIdIndex1763900001000,
  CaseAreas1763900003000,
  Care1763900004000,
  AreaLevels1763900004210,
  Arrivals1763900004230,
  Screening1763900004240,
  ExportLog1763900004302,
  CareSpeed1763900005000,
  ScreeningVenueGroups1763900005101,
];
