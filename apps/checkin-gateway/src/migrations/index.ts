import { Init1763900000000 } from './1763900000000-init';
import { OutboxWithoutEventIdIndex1763900001000 } from './1763900001000-outbox-without-event-id-index';

/** In order of application; a new migration is appended, never edited once released. */
export const migrations = [Init1763900000000, OutboxWithoutEventIdIndex1763900001000];
