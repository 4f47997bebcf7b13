import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exposure alerts (issue 17): the people whose stays overlapped a case's exposure site but who are
 * no contact of the case, one row per (case, venue, person), so each is announced once
 * (ExposureSiteVisitorIdentified) however often the case is traced again.
 */
export class ExposureAlerts1763900004100 implements MigrationInterface {
  name = 'ExposureAlerts1763900004100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tracing.exposure_alerts (
      case_id text NOT NULL,
      venue_id text NOT NULL,
      person_id text NOT NULL,
      alert_id uuid NOT NULL,
      started_at timestamptz NOT NULL,
      ended_at timestamptz NOT NULL,
      identified_at timestamptz NOT NULL,
      PRIMARY KEY (case_id, venue_id, person_id)
    )`);
    await q.query('CREATE INDEX exposure_alerts_time ON tracing.exposure_alerts (ended_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tracing.exposure_alerts');
  }
}
