import { outboxWithoutEventIdIndexMigration } from '@ct/messaging';

/** The outbox's event_id loses its unique index (see outboxWithoutEventIdIndexMigration). */
export const OutboxWithoutEventIdIndex1763900001000 = outboxWithoutEventIdIndexMigration(
  'checkin_gateway',
  1763900001000,
);
