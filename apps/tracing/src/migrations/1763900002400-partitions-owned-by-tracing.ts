import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Day partitions of tracing.visits belong to the tracing service's own role, whoever asks for them
 * (an operator or a test with an administrator's connection included): the function runs as its
 * owner (the role that owns the schema), with a fixed search_path so a caller cannot redirect the
 * names it uses. Only roles with USAGE on the schema (the owner) can call it at all.
 */
export class PartitionsOwnedByTracing1763900002400 implements MigrationInterface {
  name = 'PartitionsOwnedByTracing1763900002400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER FUNCTION tracing.ensure_visit_partitions(date, date) SECURITY DEFINER SET search_path = pg_catalog, pg_temp',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER FUNCTION tracing.ensure_visit_partitions(date, date) SECURITY INVOKER RESET search_path');
  }
}
