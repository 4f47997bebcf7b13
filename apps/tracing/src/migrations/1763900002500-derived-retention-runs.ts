import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 21-day rule for what tracing derives from check-ins: each run of the derived-data retention
 * job (contacts, exposure sites, stale trace intents and retrace requests) is recorded with its
 * horizon and the rows it removed, counts only.
 */
export class DerivedRetentionRuns1763900002500 implements MigrationInterface {
  name = 'DerivedRetentionRuns1763900002500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tracing.derived_retention_runs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      started_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL,
      horizon timestamptz NOT NULL,
      cases integer NOT NULL,
      contacts bigint NOT NULL,
      exposure_sites bigint NOT NULL,
      trace_intents bigint NOT NULL,
      retrace_requests bigint NOT NULL
    )`);
    // The contacts of a case are looked up by case (contacts_case_person); expired sites by end time
    // (exposure_sites_time); candidate cases by the end of their window (traced_cases_window).
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tracing.derived_retention_runs');
  }
}
