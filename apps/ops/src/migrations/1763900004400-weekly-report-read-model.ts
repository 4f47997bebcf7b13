import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the weekly report needs beyond the weekly counts (issue 19): the person of each case (to link
 * cases into clusters and to tell a quarantined case from a community one at read time, whatever
 * arrived first), the source case of each quarantine (its area), and the exposures of contacts.v1
 * (clusters, exposure sites). Person ids are pseudonymous ids, never names or numbers.
 */
export class WeeklyReportReadModel1763900004400 implements MigrationInterface {
  name = 'WeeklyReportReadModel1763900004400';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ops.case_counts ADD COLUMN person_id text');
    await q.query('CREATE INDEX case_counts_person ON ops.case_counts (person_id)');
    await q.query('ALTER TABLE ops.quarantined_persons ADD COLUMN source_case_id text');
    await q.query('CREATE INDEX quarantined_persons_source_case ON ops.quarantined_persons (source_case_id)');
    await q.query(`CREATE TABLE ops.exposures (
      contact_id text PRIMARY KEY,
      person_id text,
      source_case_id text,
      venue_id text,
      exposure_started_at timestamptz,
      identified_at timestamptz,
      withdrawn_at timestamptz
    )`);
    await q.query('CREATE INDEX exposures_source_case ON ops.exposures (source_case_id)');
    await q.query('CREATE INDEX exposures_person ON ops.exposures (person_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ops.exposures');
    await q.query('DROP INDEX ops.quarantined_persons_source_case');
    await q.query('ALTER TABLE ops.quarantined_persons DROP COLUMN source_case_id');
    await q.query('DROP INDEX ops.case_counts_person');
    await q.query('ALTER TABLE ops.case_counts DROP COLUMN person_id');
  }
}
