import { MigrationInterface, QueryRunner } from 'typeorm';

/** Dead letters seen by the topic monitor, the replay audit log, and the surveillance read model. */
export class Ops1763900000100 implements MigrationInterface {
  name = 'Ops1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ops.dlq_entries (
      id bigserial PRIMARY KEY,
      dlq_topic text NOT NULL,
      dlq_partition int NOT NULL,
      dlq_offset bigint NOT NULL,
      original_topic text NOT NULL,
      original_partition int,
      original_offset bigint,
      event_type text,
      event_id text,
      message_key text,
      reason text NOT NULL,
      fields jsonb,
      failed_group text,
      headers jsonb NOT NULL,
      value text,
      dead_lettered_at timestamptz NOT NULL,
      seen_at timestamptz NOT NULL DEFAULT now(),
      replay_count int NOT NULL DEFAULT 0,
      last_replayed_at timestamptz,
      UNIQUE (dlq_topic, dlq_partition, dlq_offset)
    )`);
    await q.query(`CREATE TABLE ops.dlq_replays (
      id bigserial PRIMARY KEY,
      entry_id bigint NOT NULL REFERENCES ops.dlq_entries(id),
      replayed_by text NOT NULL,
      replayed_at timestamptz NOT NULL DEFAULT now(),
      target_topic text NOT NULL
    )`);
    await q.query(`CREATE TABLE ops.area_coverage (
      area_code text PRIMARY KEY,
      population int,
      adults_one_dose_pct numeric(5,2) NOT NULL,
      over50_fully_vaccinated_pct numeric(5,2) NOT NULL,
      treatment_occupancy_pct numeric(5,2),
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE ops.case_counts (
      case_id text PRIMARY KEY,
      area_code text NOT NULL,
      week_start date NOT NULL,
      community boolean NOT NULL,
      confirmed_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX case_counts_area_week ON ops.case_counts (area_code, week_start)`);
    await q.query(`CREATE TABLE ops.quarantined_persons (
      person_id text NOT NULL,
      quarantine_id text NOT NULL,
      started_at timestamptz NOT NULL,
      ended_at timestamptz,
      PRIMARY KEY (quarantine_id)
    )`);
    await q.query(`CREATE INDEX quarantined_persons_person ON ops.quarantined_persons (person_id)`);
    await q.query(`CREATE TABLE ops.area_levels (
      area_code text PRIMARY KEY,
      level int NOT NULL,
      week_start date NOT NULL,
      cases_per_100k numeric NOT NULL,
      reasons jsonb NOT NULL,
      assessed_at timestamptz NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'area_levels',
      'quarantined_persons',
      'case_counts',
      'area_coverage',
      'dlq_replays',
      'dlq_entries',
    ])
      await q.query(`DROP TABLE ops.${t}`);
  }
}
