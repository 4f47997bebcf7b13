import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Venue categories (issue 18): which venues are, e.g., a wholesale market, so a screening plan can
 * name a category instead of every venue id. Set by staff (PUT /venues); a venue has one category.
 */
export class VenueCategories1763900005100 implements MigrationInterface {
  name = 'VenueCategories1763900005100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tracing.venue_categories (
      venue_id text PRIMARY KEY,
      category text NOT NULL,
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX venue_categories_category ON tracing.venue_categories (category)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tracing.venue_categories');
  }
}
