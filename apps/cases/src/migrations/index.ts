import { Init1763900000000 } from './1763900000000-init';
import { Cases1763900000001 } from './1763900000001-cases';
import { PersonsInvestigations1763900000100 } from './1763900000100-persons-investigations';
import { OutboxWithoutEventIdIndex1763900001000 } from './1763900001000-outbox-without-event-id-index';
import { PersonErasure1763900001400 } from './1763900001400-person-erasure';
import { Notifications1763900001700 } from './1763900001700-notifications';
import { PersonHealthFacts1763900004000 } from './1763900004000-person-health-facts';
import { StatusCare1763900004001 } from './1763900004001-status-care';
import { LabResults1763900004300 } from './1763900004300-lab-results';
import { Arrivals1763900004220 } from './1763900004220-arrivals';
import { ExportLog1763900004301 } from './1763900004301-export-log';
import { NotificationSummary1763900004110 } from './1763900004110-notification-summary';
import { ImportJobs1763900004303 } from './1763900004303-import-jobs';

/** In order of application; a new migration is appended, never edited once released. */
export const migrations = [
  Init1763900000000,
  Cases1763900000001,
  PersonsInvestigations1763900000100,
  OutboxWithoutEventIdIndex1763900001000,
  PersonErasure1763900001400,
  Notifications1763900001700,
  PersonHealthFacts1763900004000,
  StatusCare1763900004001,
  LabResults1763900004300,
  Arrivals1763900004220,
  ExportLog1763900004301,
  NotificationSummary1763900004110,
  ImportJobs1763900004303,
];
