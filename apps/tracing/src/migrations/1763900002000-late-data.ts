import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Late and out-of-order data (see ARCHITECTURE.md, "Late data"). A check-in, check-out or
 * declaration that reaches tracing after its case was traced asks for the case to be traced again:
 * - `trace_intents`: a row committed before any tracing of a case reads the visit store and deleted
 *   in the transaction that stores the result, so a check-in batch that commits while the case is
 *   being traced sees either the stored contacts or the intent (never neither);
 * - `retrace_requests`: one row per case to trace again (a newer `requested_seq` when asked again
 *   while it is being retraced), leased by one instance at a time;
 * - `traced_cases.window_start/window_end`: the infectious window, to match a late stay of the
 *   case's own person; `contacts.found_late`: found or changed by a retrace;
 * - indexes for the matching of a batch's stays, each bounded by the batch's time span.
 */
export class LateData1763900002000 implements MigrationInterface {
  name = 'LateData1763900002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE tracing.traced_cases ADD COLUMN window_start timestamptz, ADD COLUMN window_end timestamptz',
    );
    // The F2 stage's lease (F2Stage): who runs it, until when; an expired lease is resumed by any instance.
    await q.query(
      'ALTER TABLE tracing.traced_cases ADD COLUMN f2_lease_owner text, ADD COLUMN f2_lease_until timestamptz',
    );
    // Cases traced before this migration: the default policy's window (2 days before onset, else sample, else confirmation).
    await q.query(`UPDATE tracing.traced_cases
      SET window_start = least(coalesce(symptom_onset_at, sample_taken_at, confirmed_at), confirmed_at) - interval '2 days', window_end = confirmed_at`);
    await q.query('CREATE INDEX traced_cases_window ON tracing.traced_cases (window_end, window_start)');
    await q.query('ALTER TABLE tracing.contacts ADD COLUMN found_late boolean NOT NULL DEFAULT false');
    await q.query(
      'CREATE INDEX contacts_f1_window ON tracing.contacts (identified_at, first_exposure_at) WHERE degree = 1',
    );
    await q.query('CREATE INDEX exposure_sites_venue ON tracing.exposure_sites (venue_id, started_at, ended_at)');
    await q.query(`CREATE TABLE tracing.trace_intents (
      intent_id bigserial PRIMARY KEY,
      case_id text NOT NULL,
      person_id text NOT NULL,
      window_start timestamptz NOT NULL,
      window_end timestamptz NOT NULL,
      site_venue text[],
      site_start timestamptz[],
      site_end timestamptz[],
      f1_person text[],
      f1_from timestamptz[],
      f1_to timestamptz[],
      since timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE SEQUENCE tracing.retrace_seq');
    await q.query(`CREATE TABLE tracing.retrace_requests (
      case_id text PRIMARY KEY,
      requested_seq bigint NOT NULL,
      requested_at timestamptz NOT NULL DEFAULT now(),
      reason text NOT NULL,
      leased_until timestamptz
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tracing.retrace_requests');
    await q.query('DROP SEQUENCE tracing.retrace_seq');
    await q.query('DROP TABLE tracing.trace_intents');
    await q.query('DROP INDEX tracing.exposure_sites_venue');
    await q.query('DROP INDEX tracing.contacts_f1_window');
    await q.query('ALTER TABLE tracing.contacts DROP COLUMN found_late');
    await q.query('DROP INDEX tracing.traced_cases_window');
    await q.query(
      'ALTER TABLE tracing.traced_cases DROP COLUMN window_start, DROP COLUMN window_end, DROP COLUMN f2_lease_owner, DROP COLUMN f2_lease_until',
    );
  }
}
