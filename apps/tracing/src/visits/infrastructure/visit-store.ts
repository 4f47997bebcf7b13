import { TransactionHost } from '@ct/platform';
import { Injectable, Logger } from '@nestjs/common';
import { VisitRow } from '../domain/visit-policy';

const RETRYABLE_DDL = new Set(['42P07', '23505', '40P01']); // duplicate table, duplicate pg_type row, deadlock
const NO_PARTITION = '23514'; // "no partition of relation found for row"

/**
 * Writes stays to tracing.visits: one INSERT ... SELECT FROM unnest(arrays) ... ON CONFLICT per
 * batch, whatever its size. Creates the day partitions a batch needs first, on a connection of its
 * own and before the batch's transaction takes any lock on the table, remembering which days exist.
 */
@Injectable()
export class VisitStore {
  private readonly log = new Logger(VisitStore.name);
  private readonly knownDays = new Set<string>();
  private creating: Promise<unknown> = Promise.resolve();

  constructor(private readonly tx: TransactionHost) {}

  async ensurePartitions(days: string[]): Promise<void> {
    if (days.every((d) => this.knownDays.has(d))) return;
    // One creator at a time in this process; other instances are handled by the retry below.
    const run = this.creating.then(() => this.createPartitions(days));
    this.creating = run.catch(() => undefined);
    await run;
  }

  private async createPartitions(days: string[]): Promise<void> {
    for (const day of days) {
      if (this.knownDays.has(day)) continue;
      for (let attempt = 1; ; attempt++) {
        try {
          const [{ made }] = await this.tx.dataSource.query(
            'SELECT tracing.ensure_visit_partitions($1::date, $1::date) AS made',
            [day],
          );
          if (made > 0) this.log.log(`created visit partition for ${day}`);
          break;
        } catch (err) {
          // Another instance created the same partition at the same moment: look again.
          if (attempt >= 3 || !RETRYABLE_DDL.has((err as { code?: string }).code ?? '')) throw err;
        }
      }
      this.knownDays.add(day);
    }
  }

  /** The retention job dropped these days: a write for them must create the partition again. */
  forgetDays(days: string[]): void {
    for (const d of days) this.knownDays.delete(d);
  }

  /**
   * Inserts new stays; for a stay already stored, a record carrying a check-out completes it
   * (checked_out_at, ends_at); a record without one changes nothing. ends_at is computed here by
   * endOfStay's rule (check-out, else check-in + the default stay). Rows must be unique by
   * (checkInId, checkedInAt). Runs in the current transaction.
   */
  async upsert(rows: VisitRow[], defaultStayMinutes: number): Promise<void> {
    if (rows.length === 0) return;
    const n = rows.length;
    const ids = new Array<string>(n),
      persons = new Array<string>(n),
      venues = new Array<string>(n);
    const ins = new Array<string>(n),
      outs = new Array<string | null>(n),
      sources = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      ids[i] = r.checkInId;
      persons[i] = r.personId;
      venues[i] = r.venueId;
      ins[i] = r.checkedInAt;
      outs[i] = r.checkedOutAt;
      sources[i] = r.source;
    }
    try {
      await this.tx.manager.query(
        `INSERT INTO tracing.visits (check_in_id, person_id, venue_id, checked_in_at, checked_out_at, ends_at, source)
         SELECT id, person, venue, cin, cout, COALESCE(cout, cin + make_interval(mins => $7)), src
         FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[]) AS u(id, person, venue, cin, cout, src)
         ON CONFLICT (check_in_id, checked_in_at) DO UPDATE
           SET checked_out_at = EXCLUDED.checked_out_at, ends_at = EXCLUDED.ends_at
           WHERE EXCLUDED.checked_out_at IS NOT NULL
             AND tracing.visits.checked_out_at IS DISTINCT FROM EXCLUDED.checked_out_at`,
        [ids, persons, venues, ins, outs, sources, defaultStayMinutes],
      );
    } catch (err) {
      // A partition this process believed in was dropped (retention elsewhere): forget them all;
      // the error is transient, and the redelivered batch creates what it needs.
      if ((err as { code?: string }).code === NO_PARTITION) this.knownDays.clear();
      throw err;
    }
  }
}
