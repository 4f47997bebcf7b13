import { Prng } from '@ct/contracts/testing/prng';
import { referenceTrace } from './reference';
import {
  clusters,
  collapse,
  DAY_MS,
  DEFAULT_POLICY,
  infectiousWindow,
  intersect,
  mergeFindings,
  mergeSites,
  Overlap,
  Stay,
} from './tracing-policy';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 10);
const stay = (personId: string, venueId: string, start: number, end: number): Stay => ({
  personId,
  venueId,
  start: T0 + start * H,
  end: T0 + end * H,
});
const c = (personId: string, confirmedH: number, onsetH: number | null = null, sampleH: number | null = null) => ({
  caseId: 'case-1',
  personId,
  confirmedAt: T0 + confirmedH * H,
  symptomOnsetAt: onsetH === null ? null : T0 + onsetH * H,
  sampleTakenAt: sampleH === null ? null : T0 + sampleH * H,
});

describe('tracing policy', () => {
  it('opens the infectious window N days before onset, else sample, else confirmation', () => {
    expect(infectiousWindow(c('a', 100, 50, 70), DEFAULT_POLICY)).toEqual({
      start: T0 + 50 * H - 2 * DAY_MS,
      end: T0 + 100 * H,
    });
    expect(infectiousWindow(c('a', 100, null, 70), DEFAULT_POLICY).start).toBe(T0 + 70 * H - 2 * DAY_MS);
    expect(infectiousWindow(c('a', 100), { ...DEFAULT_POLICY, infectiousDaysBefore: 3 }).start).toBe(
      T0 + 100 * H - 3 * DAY_MS,
    );
  });

  it('treats intervals that only touch as no overlap, and honours the minimum overlap', () => {
    expect(intersect({ start: 0, end: 10 }, { start: 10, end: 20 })).toBeNull();
    expect(intersect({ start: 0, end: 11 }, { start: 10, end: 20 })).toEqual({ start: 10, end: 11 });
    expect(intersect({ start: 0, end: 11 }, { start: 10, end: 20 }, 1)).toBeNull();
    expect(intersect({ start: 0, end: 12 }, { start: 10, end: 20 }, 1)).toEqual({ start: 10, end: 12 });
  });

  it('collapses several overlaps (several venues) into one contact: latest overlap as exposure, latest end as lastExposureAt', () => {
    const o = (venueId: string, start: number, end: number): Overlap => ({
      sourcePersonId: 's',
      personId: 'p',
      venueId,
      kind: 'CO_LOCATION',
      start,
      end,
    });
    const [f, ...rest] = collapse([o('v1', 5, 9), o('v2', 1, 3), o('v3', 6, 9), o('v4', 2, 4)], 1);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ personId: 'p', sourcePersonId: 's', degree: 1, firstExposureAt: 1, lastExposureAt: 9 });
    expect(f.exposure).toEqual({ kind: 'CO_LOCATION', venueId: 'v3', start: 6, end: 9 });
  });

  it('makes a person met through several F1 one F2 of the case, from the latest exposure', () => {
    const o = (src: string, venueId: string, start: number, end: number): Overlap => ({
      sourcePersonId: src,
      personId: 'x',
      venueId,
      kind: 'CO_LOCATION',
      start,
      end,
    });
    const found = collapse([o('a', 'gym', 1, 5), o('b', 'pool', 6, 8), o('c', 'bar', 2, 8)], 2);
    expect(found).toHaveLength(1);
    // Same end: the later start wins (b at 6), then the smaller source id on a full tie.
    expect(found[0]).toMatchObject({
      sourcePersonId: 'b',
      degree: 2,
      firstExposureAt: 1,
      lastExposureAt: 8,
      exposure: { venueId: 'pool', start: 6, end: 8 },
    });
    expect(collapse([o('z', 'v', 1, 2), o('y', 'v', 1, 2)], 2)[0].sourcePersonId).toBe('y');
  });

  it('never makes a person their own contact', () => {
    expect(
      collapse([{ sourcePersonId: 's', personId: 's', venueId: 'v', kind: 'CO_LOCATION', start: 0, end: 1 }], 1),
    ).toEqual([]);
  });

  it('merges overlapping or touching exposure-site intervals per venue', () => {
    expect(
      mergeSites([
        { venueId: 'b', start: 5, end: 6 },
        { venueId: 'a', start: 3, end: 5 },
        { venueId: 'a', start: 0, end: 3 },
        { venueId: 'a', start: 7, end: 8 },
      ]),
    ).toEqual([
      { venueId: 'a', start: 0, end: 5 },
      { venueId: 'a', start: 7, end: 8 },
      { venueId: 'b', start: 5, end: 6 },
    ]);
  });

  it('groups cases linked by contact edges into clusters', () => {
    expect(
      clusters(
        ['a', 'b', 'c', 'd', 'e'],
        [
          ['a', 'b'],
          ['c', 'b'],
          ['d', 'zz'],
        ],
      ),
    ).toEqual([['a', 'b', 'c'], ['d'], ['e']]);
  });

  describe('brute-force reference', () => {
    it('finds F1 inside the window, F2 from the F1s, and keeps F0 and F1 out of F2', () => {
      const stays = [
        stay('f0', 'shop', 10, 11),
        stay('a', 'shop', 10.5, 12), // F1
        stay('b', 'shop', 11, 12), // touches only: not a contact
        stay('f0', 'bar', -100, -99), // outside the window (confirmed at 20, no onset: window from -28)
        stay('x', 'bar', -100, -99),
        stay('a', 'gym', 15, 16),
        stay('d', 'gym', 15.5, 17), // F2 via a
        stay('f0', 'gym', 15.9, 16.5), // F0 at the gym too: d is then F1, not F2
        stay('a', 'cafe', 9, 10),
        stay('e', 'cafe', 9, 10), // before a's first exposure (10.5): not an F2
      ];
      const r = referenceTrace(stays, c('f0', 20), [], T0 + 30 * H, DEFAULT_POLICY);
      expect(r.f1.map((f) => f.personId)).toEqual(['a', 'd']);
      expect(r.f2.map((f) => f.personId)).toEqual(['b']); // b only touched the F0 but overlapped a
      const r2 = referenceTrace(
        stays.filter((s) => !(s.personId === 'f0' && s.venueId === 'gym')),
        c('f0', 20),
        [],
        T0 + 30 * H,
        DEFAULT_POLICY,
      );
      expect(r2.f1.map((f) => f.personId)).toEqual(['a']);
      expect(r2.f2.map((f) => f.personId)).toEqual(['b', 'd']);
      expect(r2.f2[1]).toMatchObject({ personId: 'd', sourcePersonId: 'a', degree: 2, lastExposureAt: T0 + 16 * H });
    });

    it('adds declared contacts to F1, merged with co-location into one contact', () => {
      const stays = [stay('f0', 'shop', 10, 11), stay('a', 'shop', 10.5, 12)];
      const r = referenceTrace(
        stays,
        c('f0', 20),
        [
          { sourcePersonId: 'f0', personId: 'a', kind: 'HOUSEHOLD', start: T0 + 12 * H, end: T0 + 18 * H },
          { sourcePersonId: 'f0', personId: 'h', kind: 'DECLARED', start: T0, end: T0 + H },
        ],
        T0 + 30 * H,
        DEFAULT_POLICY,
      );
      expect(r.f1.map((f) => [f.personId, f.exposure.kind, f.lastExposureAt - T0])).toEqual([
        ['a', 'HOUSEHOLD', 18 * H],
        ['h', 'DECLARED', H],
      ]);
    });
  });
});

describe('mergeFindings: F2 computed for groups of sources, merged', () => {
  const byPerson = (fs: ReturnType<typeof collapse>) =>
    [...fs].sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('equals collapsing every overlap at once (seed %i)', (seed) => {
    const rng = new Prng(seed);
    const rnd = () => rng.next();
    const H = 3_600_000;
    // Few people, sources and venues, hour-aligned times: ties on end, start, source and venue are common.
    const overlaps: Overlap[] = Array.from({ length: 20 + Math.floor(rnd() * 80) }, () => {
      const start = Math.floor(rnd() * 6) * H;
      return {
        sourcePersonId: `s${Math.floor(rnd() * 6)}`,
        personId: `p${Math.floor(rnd() * 12)}`,
        venueId: `v${Math.floor(rnd() * 3)}`,
        kind: 'CO_LOCATION',
        start,
        end: start + (1 + Math.floor(rnd() * 3)) * H,
      };
    });
    const groups = Math.max(1, Math.floor(rnd() * 4));
    const group = (source: string) => Number(source.slice(1)) % groups;
    const parts = Array.from({ length: groups }, (_, g) =>
      collapse(
        overlaps.filter((o) => group(o.sourcePersonId) === g),
        2,
      ),
    );
    const merged = mergeFindings(parts);
    expect(merged).toEqual(byPerson(collapse(overlaps, 2)));
    expect(merged.map((f) => f.personId)).toEqual([...new Set(merged.map((f) => f.personId))]);
  });

  it('keeps the better exposure and the widest first/last exposure across groups', () => {
    const f = (source: string, start: number, end: number, first: number, last: number) => ({
      sourcePersonId: source,
      personId: 'x',
      degree: 2 as const,
      exposure: { kind: 'CO_LOCATION' as const, venueId: 'v', start, end },
      firstExposureAt: first,
      lastExposureAt: last,
    });
    const [m] = mergeFindings([[f('b', 10, 20, 5, 20)], [f('a', 12, 20, 12, 20)], [f('c', 1, 8, 1, 30)]]);
    // Same end (20): the later start wins (12, source a); first 1 and last 30 come from other groups.
    expect(m).toMatchObject({
      sourcePersonId: 'a',
      exposure: { start: 12, end: 20 },
      firstExposureAt: 1,
      lastExposureAt: 30,
    });
  });
});
