import { derivedHorizon, partitionDay } from './derived-retention';

describe(derivedHorizon.name, () => {
  const now = new Date('2026-12-01T17:00:00Z');

  it('is the retention before now when the visit store holds nothing older', () => {
    expect(derivedHorizon(now, 21, null).toISOString()).toBe('2026-11-10T17:00:00.000Z');
    expect(derivedHorizon(now, 21, '2026-11-11').toISOString()).toBe('2026-11-10T17:00:00.000Z');
  });

  it('never passes the oldest stay still stored (its day partition not yet dropped)', () => {
    expect(derivedHorizon(now, 21, '2026-11-09').toISOString()).toBe('2026-11-09T00:00:00.000Z');
    expect(derivedHorizon(now, 21, '2026-11-10').toISOString()).toBe('2026-11-10T00:00:00.000Z');
  });
});

describe(partitionDay.name, () => {
  it('reads the day of a visit partition and nothing else', () => {
    expect(partitionDay('visits_20261109')).toBe('2026-11-09');
    expect(partitionDay('visits_default')).toBeNull();
    expect(partitionDay('visit_retention_runs')).toBeNull();
  });
});
