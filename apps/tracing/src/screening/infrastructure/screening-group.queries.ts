import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/**
 * Who checked in at these venues in [since, until): distinct persons, earliest first (then by id,
 * so the same stays give the same order). Bounded on checked_in_at, the partition key, and read
 * through the (venue_id, checked_in_at) index. At most `limit` + 1 rows, to tell a truncated group.
 */
@Injectable()
export class ScreeningGroupQueries {
  constructor(private readonly tx: TransactionHost) {}

  async visitors(venueIds: string[], since: Date, until: Date, limit: number): Promise<string[]> {
    if (venueIds.length === 0) return [];
    const rows: { person_id: string }[] = await this.tx.manager.query(
      `SELECT person_id FROM tracing.visits
        WHERE venue_id = ANY($1::text[]) AND checked_in_at >= $2 AND checked_in_at < $3
        GROUP BY person_id ORDER BY min(checked_in_at), person_id LIMIT $4`,
      [venueIds, since, until, limit + 1],
    );
    return rows.map((r) => r.person_id);
  }
}
