import { lineToEvent, formatCsvRow } from './csv';
import { simulate, SimulationOptions, venueLayout } from './simulate';

const opts: SimulationOptions = { people: 300, venues: 60, days: 7, seed: 'hcm-1', start: '2021-11-15' };

describe('feed simulator', () => {
  it('gives the same data for the same seed, and other data for another seed', () => {
    const a = [...simulate(opts)];
    const b = [...simulate(opts)];
    expect(a).toEqual(b);
    const c = [...simulate({ ...opts, seed: 'hcm-2' })];
    expect(c).not.toEqual(a);
  });

  it('makes realistic, valid check-ins: routines, homes, crowded venues, ~30% without check-out', () => {
    const rows = [...simulate(opts)];
    expect(rows.length).toBeGreaterThan(opts.people * opts.days * 2);
    const missing = rows.filter((r) => r.checkedOutAt === null).length / rows.length;
    expect(missing).toBeGreaterThan(0.25);
    expect(missing).toBeLessThan(0.35);
    const kinds = new Set(rows.map((r) => r.venueId.split('-')[0]));
    expect([...kinds].sort()).toEqual(['crowded', 'home', 'market', 'school', 'shop', 'work']);
    // Within the simulated days, in time order per day, and valid for the contract.
    const first = Date.parse('2021-11-15T00:00:00Z') - 7 * 3_600_000;
    for (const r of rows) {
      expect(Date.parse(r.checkedInAt)).toBeGreaterThanOrEqual(first - 3 * 3_600_000);
      const parsed = lineToEvent(formatCsvRow(r), 'sim');
      expect(parsed.ok).toBe(true);
    }
    // A crowded venue draws more people than a typical shop.
    const visitors = (prefix: string) => {
      const by = new Map<string, number>();
      rows.filter((r) => r.venueId.startsWith(prefix)).forEach((r) => by.set(r.venueId, (by.get(r.venueId) ?? 0) + 1));
      return [...by.values()].reduce((s, n) => s + n, 0) / Math.max(1, by.size);
    };
    expect(visitors('crowded-')).toBeGreaterThan(visitors('shop-'));
  });

  it('lays out every kind of venue even for few venues', () => {
    const v = venueLayout(5);
    expect(Object.values(v).every((list) => list.length >= 1)).toBe(true);
  });
});
