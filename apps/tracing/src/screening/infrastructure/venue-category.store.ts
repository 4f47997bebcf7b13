import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/** tracing.venue_categories: the category of each venue staff have classified. */
@Injectable()
export class VenueCategoryStore {
  constructor(private readonly tx: TransactionHost) {}

  async set(byVenue: Map<string, string>, by: string, at: Date): Promise<number> {
    const rows: unknown[] = await this.tx.manager.query(
      `INSERT INTO tracing.venue_categories (venue_id, category, updated_by, updated_at)
       SELECT v, c, $3, $4 FROM unnest($1::text[], $2::text[]) AS t(v, c)
       ON CONFLICT (venue_id) DO UPDATE SET category = EXCLUDED.category, updated_by = EXCLUDED.updated_by,
         updated_at = EXCLUDED.updated_at
       RETURNING venue_id`,
      [[...byVenue.keys()], [...byVenue.values()], by, at],
    );
    return rows.length;
  }

  async venuesOf(categories: string[]): Promise<string[]> {
    if (categories.length === 0) return [];
    const rows: { venue_id: string }[] = await this.tx.manager.query(
      'SELECT venue_id FROM tracing.venue_categories WHERE category = ANY($1::text[])',
      [categories],
    );
    return rows.map((r) => r.venue_id);
  }
}
