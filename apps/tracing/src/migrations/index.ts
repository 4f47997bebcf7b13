import { Init1763900000000 } from './1763900000000-init';
import { TracedCases1763900000001 } from './1763900000001-traced-cases';
import { Visits1763900000002 } from './1763900000002-visits';
import { VisitRetentionRuns1763900000101 } from './1763900000101-visit-retention-runs';
import { ContactGraph1763900000201 } from './1763900000201-contact-graph';
import { OneContactPerCase1763900000202 } from './1763900000202-one-contact-per-case';
import { StagedExpansion1763900000203 } from './1763900000203-staged-expansion';
import { DropSourcePersonIndex1763900000204 } from './1763900000204-drop-source-person-index';
import { LateData1763900002000 } from './1763900002000-late-data';
import { OutboxWithoutEventIdIndex1763900001000 } from './1763900001000-outbox-without-event-id-index';
import { PartitionsOwnedByTracing1763900002400 } from './1763900002400-partitions-owned-by-tracing';
import { DerivedRetentionRuns1763900002500 } from './1763900002500-derived-retention-runs';
import { PersonAreas1763900003000 } from './1763900003000-person-areas';
import { ExposureAlerts1763900004100 } from './1763900004100-exposure-alerts';
import { VenueCategories1763900005100 } from './1763900005100-venue-categories';

/** In order of application; a new migration is appended, never edited once released. */
export const migrations = [
  Init1763900000000,
  TracedCases1763900000001,
  Visits1763900000002,
  VisitRetentionRuns1763900000101,
  ContactGraph1763900000201,
  OneContactPerCase1763900000202,
  StagedExpansion1763900000203,
  DropSourcePersonIndex1763900000204,
  OutboxWithoutEventIdIndex1763900001000,
  LateData1763900002000,
  PartitionsOwnedByTracing1763900002400,
  DerivedRetentionRuns1763900002500,
  PersonAreas1763900003000,
  ExposureAlerts1763900004100,
  VenueCategories1763900005100,
];
