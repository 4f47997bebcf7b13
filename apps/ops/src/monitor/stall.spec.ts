import { StallTracker } from './stall';

describe('stalled partitions: lag while the committed offset stands still', () => {
  it('flags a partition whose offset has not moved for the threshold while lag stayed', () => {
    const t = new StallTracker(30_000);
    expect(t.observe('tracing', 'checkins.v1', 2, '100', 5, 0)).toBeNull();
    expect(t.observe('tracing', 'checkins.v1', 2, '100', 9, 29_999)).toBeNull();
    expect(t.observe('tracing', 'checkins.v1', 2, '100', 12, 30_000)).toEqual({
      topic: 'checkins.v1',
      partition: 2,
      committed: '100',
      lag: 12,
      stalledForMs: 30_000,
    });
  });

  it('does not flag a partition that moves, however large its lag, nor one without lag', () => {
    const t = new StallTracker(1000);
    for (let i = 0; i < 10; i++) expect(t.observe('cases', 'cases.v1', 0, String(i * 10), 50_000, i * 5000)).toBeNull();
    for (let i = 0; i < 10; i++) expect(t.observe('cases', 'cases.v1', 1, '7', 0, i * 5000)).toBeNull();
  });

  it('starts counting again when the offset moves or the lag is gone, and keeps groups apart', () => {
    const t = new StallTracker(1000);
    t.observe('a', 'x', 0, '1', 3, 0);
    expect(t.observe('a', 'x', 0, '2', 3, 5000)).toBeNull();
    expect(t.observe('a', 'x', 0, '2', 3, 5999)).toBeNull();
    expect(t.observe('a', 'x', 0, '2', 3, 6000)?.stalledForMs).toBe(1000);
    expect(t.observe('a', 'x', 0, '2', 0, 7000)).toBeNull();
    expect(t.observe('a', 'x', 0, '2', 3, 8000)).toBeNull();
    expect(t.observe('b', 'x', 0, '2', 3, 9500)).toBeNull();
    expect(t.observe('a', 'x', 0, '2', 3, 9500)?.stalledForMs).toBe(1500);
  });
});
