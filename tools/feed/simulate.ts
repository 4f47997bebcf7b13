import { CsvRow } from './csv';
import { Prng } from '@ct/contracts/testing/prng';

/**
 * A synthetic population and its check-ins, the same for the same options: households in homes,
 * children at schools, adults at workplaces, everyone at markets, shops and restaurants, a few
 * crowded venues (bus station, hospital, stadium) drawing many people, weekday and weekend
 * routines, and about 30% of stays without a check-out (people forget).
 */
export interface SimulationOptions {
  people: number;
  /** Public venues (workplaces, schools, markets, shops, crowded venues); homes come in addition. */
  venues: number;
  days: number;
  seed: string;
  /** First simulated day, UTC midnight 'YYYY-MM-DD'. */
  start: string;
  /** Share of stays without a check-out; default 0.3. */
  missingCheckOut?: number;
}

type Kind = 'crowded' | 'school' | 'work' | 'market' | 'shop';
interface Person {
  id: string;
  home: string;
  kind: 'child' | 'worker' | 'other';
  daytime: string | null;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// Vietnam is UTC+7: local 07:00 is 00:00 UTC. Routines are written in local hours.
const LOCAL_OFFSET = 7 * HOUR;

export function venueLayout(total: number): Record<Kind, string[]> {
  const n = Math.max(5, total);
  const crowded = Math.max(1, Math.round(n * 0.005));
  const school = Math.max(1, Math.round(n * 0.05));
  const market = Math.max(1, Math.round(n * 0.05));
  const work = Math.max(1, Math.round(n * 0.4));
  const shop = Math.max(1, n - crowded - school - market - work);
  const ids = (kind: Kind, count: number) => Array.from({ length: count }, (_, i) => `${kind}-${i + 1}`);
  return {
    crowded: ids('crowded', crowded),
    school: ids('school', school),
    market: ids('market', market),
    work: ids('work', work),
    shop: ids('shop', shop),
  };
}

export function population(o: SimulationOptions, rng: Prng, v: Record<Kind, string[]>): Person[] {
  const people: Person[] = [];
  let household = 0;
  while (people.length < o.people) {
    household++;
    const size = rng.pick([1, 2, 2, 3, 3, 4, 4, 4, 5, 6]);
    for (let k = 0; k < size && people.length < o.people; k++) {
      const r = rng.next();
      const kind = k >= 2 && r < 0.7 ? 'child' : r < 0.75 ? 'worker' : 'other';
      const daytime =
        kind === 'child'
          ? v.school[rng.skewed(v.school.length, 1.5)]
          : kind === 'worker'
            ? v.work[rng.skewed(v.work.length, 1.5)]
            : null;
      people.push({ id: `p-${people.length + 1}`, home: `home-${household}`, kind, daytime });
    }
  }
  return people;
}

/** Every check-in of the simulation, day by day, each day in check-in time order. */
export function* simulate(o: SimulationOptions): Generator<CsvRow> {
  const rng = new Prng(`${o.seed}:${o.people}:${o.venues}`);
  const v = venueLayout(o.venues);
  const people = population(o, rng, v);
  const missing = o.missingCheckOut ?? 0.3;
  const start = Date.parse(`${o.start}T00:00:00Z`);
  if (Number.isNaN(start)) throw new Error(`start must be a date YYYY-MM-DD, got ${o.start}`);
  for (let d = 0; d < o.days; d++) {
    const dayRng = new Prng(`${o.seed}:day:${d}`);
    const localMidnight = start + d * DAY - LOCAL_OFFSET;
    const weekday = new Date(start + d * DAY).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const rows: { at: number; row: CsvRow }[] = [];
    const stay = (p: Person, venue: string, fromHour: number, minutes: number) => {
      const at = Math.round(localMidnight + fromHour * HOUR);
      const inAt = at - (at % 1000);
      const outAt = inAt + Math.max(5, Math.round(minutes)) * MIN;
      rows.push({
        at: inAt,
        row: {
          personId: p.id,
          venueId: venue,
          checkedInAt: new Date(inAt).toISOString(),
          checkedOutAt: dayRng.chance(missing) ? null : new Date(outAt).toISOString(),
        },
      });
    };
    for (const p of people) {
      if (!weekend && p.daytime) {
        if (p.kind === 'child') stay(p, p.daytime, dayRng.normal(7, 0.3), dayRng.normal(9.5 * 60, 30));
        else if (dayRng.chance(0.92)) stay(p, p.daytime, dayRng.normal(8, 0.6), dayRng.normal(9 * 60, 60));
        if (p.kind === 'worker' && dayRng.chance(0.4))
          stay(p, v.shop[dayRng.skewed(v.shop.length)], dayRng.normal(12, 0.3), dayRng.normal(45, 10));
      }
      const marketChance = p.kind === 'other' ? 0.6 : p.kind === 'worker' ? (weekend ? 0.5 : 0.2) : 0.1;
      if (dayRng.chance(marketChance))
        stay(p, v.market[dayRng.skewed(v.market.length)], dayRng.normal(weekend ? 9 : 6.5, 0.8), dayRng.normal(40, 15));
      if (dayRng.chance(weekend ? 0.08 : 0.03))
        stay(
          p,
          v.crowded[dayRng.int(0, v.crowded.length - 1)],
          dayRng.normal(weekend ? 15 : 10, 2),
          dayRng.normal(120, 45),
        );
      if (dayRng.chance(weekend ? 0.45 : 0.2))
        stay(p, v.shop[dayRng.skewed(v.shop.length)], dayRng.normal(19, 1), dayRng.normal(60, 20));
      // Home in the evening, out the next morning.
      if (dayRng.chance(0.85)) stay(p, p.home, dayRng.normal(18.5, 0.7), dayRng.normal(12 * 60, 40));
    }
    rows.sort((a, b) => a.at - b.at);
    for (const r of rows) yield r.row;
  }
}
