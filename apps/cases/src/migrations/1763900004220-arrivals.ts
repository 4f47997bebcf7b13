import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 18: people arriving from other areas (checkpoints, offices); published as ArrivalRegistered. */
export class Arrivals1763900004220 implements MigrationInterface {
  name = 'Arrivals1763900004220';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.arrivals (
      id uuid PRIMARY KEY,
      person_id text NOT NULL,
      origin_area_code text NOT NULL,
      destination_area_code text NOT NULL,
      arrived_at timestamptz NOT NULL,
      checkpoint text,
      registered_at timestamptz NOT NULL,
      registered_by text NOT NULL
    )`);
    await q.query('CREATE INDEX arrivals_person ON cases.arrivals (person_id, arrived_at)');
    await q.query('CREATE INDEX arrivals_origin ON cases.arrivals (origin_area_code, arrived_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cases.arrivals');
  }
}
