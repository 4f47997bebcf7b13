import { Init1763900000000 } from './1763900000000-init';
import { Ops1763900000100 } from './1763900000100-ops';
import { OutboxWithoutEventIdIndex1763900001000 } from './1763900001000-outbox-without-event-id-index';
import { DlqPayloadRetention1763900001400 } from './1763900001400-dlq-payload-retention';
import { CareFigures1763900004002 } from './1763900004002-care-figures';
import { LevelChanges1763900004200 } from './1763900004200-level-changes';
import { WeeklyReportReadModel1763900004400 } from './1763900004400-weekly-report-read-model';
import { ExposureRetention1763900004410 } from './1763900004410-exposure-retention';
import { CareIsolationHistory1763900005300 } from './1763900005300-care-isolation-history';
import { CareFacilityBeds1763900005600 } from './1763900005600-care-facility-beds';

/** In order of application; a new migration is appended, never edited once released. */
export const migrations = [
  Init1763900000000,
  Ops1763900000100,
  OutboxWithoutEventIdIndex1763900001000,
  DlqPayloadRetention1763900001400,
  CareFigures1763900004002,
  LevelChanges1763900004200,
  WeeklyReportReadModel1763900004400,
  ExposureRetention1763900004410,
  CareIsolationHistory1763900005300,
  CareFacilityBeds1763900005600,
];
