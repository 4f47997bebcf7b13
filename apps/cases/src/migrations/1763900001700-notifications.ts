import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications (issue 17): two optional identity fields on persons (e-mail, language), one row per
 * message to send (unique per event, channel and recipient, written with the event's inbox record),
 * and per-channel opt-outs.
 */
export class Notifications1763900001700 implements MigrationInterface {
  name = 'Notifications1763900001700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE cases.persons ADD COLUMN email text, ADD COLUMN language text,
         ADD CONSTRAINT persons_language CHECK (language IN ('vi', 'en'))`,
    );
    await q.query(
      `CREATE TABLE cases.notification_deliveries (
         id uuid PRIMARY KEY,
         event_id uuid NOT NULL,
         channel text NOT NULL CHECK (channel IN ('SMS', 'EMAIL', 'APP')),
         person_id text NOT NULL,
         template text NOT NULL,
         params jsonb NOT NULL,
         urgent boolean NOT NULL,
         quarantine_id uuid,
         state text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'RETRYING', 'SENT', 'FAILED', 'SKIPPED', 'CANCELLED')),
         due_at timestamptz NOT NULL,
         attempts int NOT NULL DEFAULT 0,
         lease_owner text,
         lease_until timestamptz,
         created_at timestamptz NOT NULL,
         first_attempt_at timestamptz,
         done_at timestamptz,
         reason text,
         segments int,
         CONSTRAINT notification_deliveries_once UNIQUE (event_id, channel, person_id)
       )`,
    );
    await q.query(
      `CREATE INDEX notification_deliveries_due ON cases.notification_deliveries (due_at) WHERE state IN ('PENDING', 'RETRYING')`,
    );
    await q.query(
      'CREATE INDEX notification_deliveries_person ON cases.notification_deliveries (person_id, created_at)',
    );
    await q.query(
      `CREATE INDEX notification_deliveries_quarantine ON cases.notification_deliveries (quarantine_id) WHERE quarantine_id IS NOT NULL AND state IN ('PENDING', 'RETRYING')`,
    );
    await q.query(
      `CREATE TABLE cases.notification_preferences (
         person_id text NOT NULL,
         channel text NOT NULL CHECK (channel IN ('SMS', 'EMAIL', 'APP')),
         opted_out boolean NOT NULL,
         updated_at timestamptz NOT NULL,
         PRIMARY KEY (person_id, channel)
       )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cases.notification_preferences');
    await q.query('DROP TABLE cases.notification_deliveries');
    await q.query(
      'ALTER TABLE cases.persons DROP CONSTRAINT persons_language, DROP COLUMN language, DROP COLUMN email',
    );
  }
}
