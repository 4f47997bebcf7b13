import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exposures go after OPS_EXPOSURE_RETENTION_DAYS (they are derived from check-ins). What the weekly
 * report needs of them is kept without a person, a venue time or a stay: the links between two
 * cases (clusters) and the first day a venue was an exposure site in an area (public-notice level).
 */
export class ExposureRetention1763900004410 implements MigrationInterface {
  name = 'ExposureRetention1763900004410';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ops.case_links (
      source_case_id text NOT NULL,
      case_id text NOT NULL,
      PRIMARY KEY (source_case_id, case_id)
    )`);
    await q.query('CREATE INDEX case_links_case ON ops.case_links (case_id)');
    await q.query(`CREATE TABLE ops.exposure_site_days (
      venue_id text NOT NULL,
      area_code text NOT NULL,
      first_day date NOT NULL,
      PRIMARY KEY (venue_id, area_code)
    )`);
    await q.query('CREATE INDEX exposures_started ON ops.exposures (exposure_started_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ops.exposures_started');
    await q.query('DROP TABLE ops.exposure_site_days');
    await q.query('DROP TABLE ops.case_links');
  }
}
