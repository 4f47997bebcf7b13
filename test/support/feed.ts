import { derivedCheckInId } from '../../apps/checkin-gateway/src/checkins/domain/intake';
import { Stay } from '../../apps/tracing/src/contacts/domain/tracing-policy';
import { CsvRow } from '../../tools/feed/csv';
import { simulate } from '../../tools/feed/simulate';

/**
 * The feed simulator's small town (120 people, 25 venues, 3 days from `start`), with person and venue
 * ids prefixed by `tag` so that other test files' simulated venues (same names) never co-locate.
 */
export function taggedFeed(tag: string, start: number): CsvRow[] {
  return [
    ...simulate({ people: 120, venues: 25, days: 3, seed: tag, start: new Date(start).toISOString().slice(0, 10) }),
  ].map((r) => ({
    ...r,
    personId: `${tag}-${r.personId}`,
    venueId: `${tag}-${r.venueId}`,
  }));
}

/** One stay per check-in (the visit store's key; the last line of a stay wins, as it keeps the check-out), a missing check-out lasting an hour. */
export function staysOfFeed(rows: CsvRow[]): Stay[] {
  const byId = new Map<string, Stay>();
  for (const r of rows) {
    const s = Date.parse(r.checkedInAt);
    byId.set(derivedCheckInId(r.personId, r.venueId, r.checkedInAt), {
      personId: r.personId,
      venueId: r.venueId,
      start: s,
      end: r.checkedOutAt ? Date.parse(r.checkedOutAt) : s + 3_600_000,
    });
  }
  return [...byId.values()];
}
