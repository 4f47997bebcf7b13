import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 18: what was decided for each arrival, by the origin's level in force (ArrivalDecided). */
export class Arrivals1763900004230 implements MigrationInterface {
  name = 'Arrivals1763900004230';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE quarantine.arrivals (
      arrival_id uuid PRIMARY KEY,
      person_id text NOT NULL,
      origin_area_code text NOT NULL,
      destination_area_code text NOT NULL,
      arrived_at timestamptz NOT NULL,
      origin_level int,
      level_source text,
      action text NOT NULL,
      quarantine_id uuid,
      rule text NOT NULL,
      decided_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX arrivals_destination ON quarantine.arrivals (destination_area_code, arrived_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE quarantine.arrivals');
  }
}
