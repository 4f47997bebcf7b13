import { TopicStats, ObservedEvent } from './topic-stats';

const ev = (ts: string, type = 'CaseConfirmed', offset = '0'): ObservedEvent => ({
  partition: 0,
  offset,
  timestamp: ts,
  key: 'k',
  type,
  headers: {},
  payload: {},
});

describe('TopicStats', () => {
  it('buckets messages per minute by their own timestamp and keeps the latest N', () => {
    const s = new TopicStats('cases.v1', 2);
    s.add(ev('2026-01-01T10:00:10Z', 'CaseConfirmed', '1'));
    s.add(ev('2026-01-01T10:00:50Z', 'CaseClosed', '2'));
    s.add(ev('2026-01-01T10:02:05Z', 'CaseConfirmed', '3'));
    const sum = s.summary(Date.parse('2026-01-01T10:02:30Z'), 3);
    expect(sum.count).toBe(3);
    expect(sum.perMinute).toEqual([
      { minute: '2026-01-01T10:00:00.000Z', count: 2 },
      { minute: '2026-01-01T10:01:00.000Z', count: 0 },
      { minute: '2026-01-01T10:02:00.000Z', count: 1 },
    ]);
    expect(sum.byType).toEqual({ CaseConfirmed: 2, CaseClosed: 1 });
    expect(sum.lastMinute).toBe(1);
    expect(s.latest(10).map((e) => e.offset)).toEqual(['3', '2']);
  });

  it('counts the last 60 s across the minute boundary', () => {
    const s = new TopicStats('t', 10);
    for (let i = 0; i < 10; i++) s.add(ev('2026-01-01T10:00:30Z'));
    for (let i = 0; i < 4; i++) s.add(ev('2026-01-01T10:01:10Z'));
    // 10:01:30: half of the previous minute is still inside the window.
    expect(s.summary(Date.parse('2026-01-01T10:01:30Z')).lastMinute).toBe(9);
  });
});
