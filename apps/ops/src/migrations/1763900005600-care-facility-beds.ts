import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Treatment facilities' beds from FacilityBedsChanged (care.v1): every change kept by its changedAt,
 * so the figures read the latest (now) or the latest at a week's end, and an older event arriving
 * late never replaces a newer one.
 */
export class CareFacilityBeds1763900005600 implements MigrationInterface {
  name = 'CareFacilityBeds1763900005600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ops.care_facility_beds (
      facility_id text NOT NULL,
      changed_at timestamptz NOT NULL,
      area_code text NOT NULL,
      capacity int NOT NULL,
      occupied int NOT NULL,
      free int NOT NULL,
      PRIMARY KEY (facility_id, changed_at)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ops.care_facility_beds');
  }
}
