import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The visit store: one row per check-in (a stay at a venue), range-partitioned by day of
 * checked_in_at so retention drops whole partitions. `ends_at` is the stay's effective end
 * (checked_out_at, else checked_in_at + the default stay), kept so co-location queries are a plain
 * range overlap on (venue_id, checked_in_at, ends_at).
 * The primary key includes the partition key, as PostgreSQL requires; feeds repeat checkedInAt
 * when they resend or complete a check-in, so (check_in_id, checked_in_at) identifies a stay.
 */
export class Visits1763900000002 implements MigrationInterface {
  name = 'Visits1763900000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tracing.visits (
      check_in_id text NOT NULL,
      person_id text NOT NULL,
      venue_id text NOT NULL,
      checked_in_at timestamptz NOT NULL,
      checked_out_at timestamptz,
      ends_at timestamptz NOT NULL,
      source text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (check_in_id, checked_in_at)
    ) PARTITION BY RANGE (checked_in_at)`);
    await q.query('CREATE INDEX visits_venue_time ON tracing.visits (venue_id, checked_in_at, ends_at)');
    await q.query('CREATE INDEX visits_person_time ON tracing.visits (person_id, checked_in_at)');
    // Creates the daily partitions covering [from, to] (UTC days); idempotent.
    await q.query(`CREATE FUNCTION tracing.ensure_visit_partitions(from_day date, to_day date) RETURNS int
      LANGUAGE plpgsql AS $$
      DECLARE d date; made int := 0; name text;
      BEGIN
        d := from_day;
        WHILE d <= to_day LOOP
          name := 'visits_' || to_char(d, 'YYYYMMDD');
          IF to_regclass('tracing.' || name) IS NULL THEN
            EXECUTE format('CREATE TABLE IF NOT EXISTS tracing.%I PARTITION OF tracing.visits FOR VALUES FROM (%L) TO (%L)',
              name, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
            made := made + 1;
          END IF;
          d := d + 1;
        END LOOP;
        RETURN made;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION tracing.ensure_visit_partitions(date, date)');
    await q.query('DROP TABLE tracing.visits');
  }
}
