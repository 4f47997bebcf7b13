import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules by epidemic level (issue 18): the level changes of surveillance.v1 (assessed or declared;
 * the latest per area is in force) and the rule each order was made under, which it keeps.
 */
export class AreaLevels1763900004210 implements MigrationInterface {
  name = 'AreaLevels1763900004210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE quarantine.area_levels (
      event_id text PRIMARY KEY,
      area_code text NOT NULL,
      level int NOT NULL,
      source text NOT NULL,
      changed_at timestamptz NOT NULL
    )`);
    await q.query(
      'CREATE INDEX area_levels_area ON quarantine.area_levels (area_code, changed_at DESC, event_id DESC)',
    );
    await q.query(`CREATE TABLE quarantine.order_rules (
      quarantine_id uuid PRIMARY KEY REFERENCES quarantine.quarantines(id),
      rule text NOT NULL,
      level int,
      area_code text,
      source text,
      level_changed_at timestamptz,
      applied_at timestamptz NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE quarantine.order_rules, quarantine.area_levels');
  }
}
