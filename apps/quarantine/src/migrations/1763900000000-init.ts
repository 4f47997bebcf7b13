import { messagingInitMigration } from '@ct/messaging';

/** The service's outbox and inbox tables. */
export const Init1763900000000 = messagingInitMigration('quarantine', 1763900000000);
