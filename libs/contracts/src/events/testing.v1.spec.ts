import { randomUUID } from 'node:crypto';
import { ContractViolation, createEvent } from '../parse';
import { EVENT_TYPES } from '../registry';
import { classValidatorSays as judged, PROBE_DATES, PROBE_IDS, PROBE_TIMES, probeUuids } from '../testing/fast-path';
import { certainTestScheduled, TestScheduled } from './testing.v1';

const valid = {
  testId: '3f1c2a9e-8b7d-4c4e-9a1b-2c3d4e5f6a7b',
  personId: 'p-1',
  quarantineId: '0b6e7a52-4c1f-4d2e-8f3a-9b8c7d6e5f40',
  dueOn: '2021-11-27',
  day: 7,
  scheduledAt: '2021-11-21T01:02:03.456Z',
};
type Field = keyof typeof valid;

const classValidatorSays = (o: Record<string, unknown>) => judged(TestScheduled, o);
const ids = PROBE_IDS;
const uuids = probeUuids(valid.testId);
const times = PROBE_TIMES;
const dates = PROBE_DATES;
const days: unknown[] = [0, 1, 14, 366, 367, -1, -0, 1.5, NaN, Infinity, '7', true, [7], null, undefined];

describe('TestScheduled fast path', () => {
  it('accepts the plain valid payload, keeping only the contract fields', () => {
    const p = certainTestScheduled({ ...valid, extra: 'dropped' });
    expect(p).toBeInstanceOf(TestScheduled);
    expect(JSON.parse(JSON.stringify(p))).toEqual(valid);
    expect(certainTestScheduled({ ...valid, quarantineId: null, day: null })).not.toBeNull();
  });

  it('never accepts what class-validator refuses, and gives the same payload when it accepts', () => {
    let accepted = 0;
    let validCases = 0;
    let cases = 0;
    const wrong: unknown[] = [];
    const check = (o: Record<string, unknown>) => {
      cases++;
      const fast = certainTestScheduled(o);
      const slow = classValidatorSays(o);
      if (slow.valid) validCases++;
      if (fast === null) return;
      accepted++;
      if (!(fast instanceof TestScheduled) || !slow.valid || JSON.stringify(fast) !== slow.json) wrong.push(o);
    };
    for (const v of ids) check({ ...valid, personId: v });
    for (const v of uuids) check({ ...valid, testId: v });
    for (const q of uuids) for (const d of days) check({ ...valid, quarantineId: q, day: d });
    for (const d of dates) for (const t of times) check({ ...valid, dueOn: d, scheduledAt: t });
    for (const f of Object.keys(valid) as Field[]) {
      const { [f]: _omit, ...rest } = valid;
      check(rest);
    }
    expect(wrong).toEqual([]);
    expect(cases).toBeGreaterThan(600);
    expect(accepted).toBeGreaterThan(25);
    // Stricter by design (ASCII ids, lowercase RFC 4122 UUIDs, no dates before 1970), yet most valid variants pass.
    expect(accepted / validCases).toBeGreaterThan(0.5);
  });

  it('serves a burst shaped like the quarantine workflow entirely, leaving broken payloads to class-validator', () => {
    // The measure is the share of the burst that needs class-validator: none of it.
    const def = EVENT_TYPES.TestScheduled as { certain: (p: Record<string, unknown>) => TestScheduled | null };
    const spy = jest.spyOn(def, 'certain');
    try {
      const at = new Date('2021-11-20T09:00:00Z');
      for (let i = 0; i < 3000; i++) {
        const day = [1, 7, 14][i % 3];
        const screening = i % 10 === 0;
        const payload = {
          testId: randomUUID(),
          personId: `p-${Math.floor(i / 3)}`,
          quarantineId: screening ? null : randomUUID(),
          dueOn: new Date(at.getTime() + day * 86_400_000).toISOString().slice(0, 10),
          day: screening ? null : day,
          scheduledAt: at.toISOString(),
        };
        expect(createEvent('TestScheduled', payload, { source: '/quarantine' }).payload).toBeInstanceOf(TestScheduled);
      }
      expect(spy).toHaveBeenCalledTimes(3000);
      expect(spy.mock.results.filter((r) => r.value === null)).toHaveLength(0);
    } finally {
      spy.mockRestore();
    }
    const broken = { ...valid, dueOn: '2021-02-29', day: 367 } as unknown as TestScheduled;
    expect(() => createEvent('TestScheduled', broken, { source: '/quarantine' })).toThrow(ContractViolation);
    expect(() => createEvent('TestScheduled', broken, { source: '/quarantine' })).toThrow(
      /dueOn must be a date YYYY-MM-DD.*day must not be greater than 366/,
    );
  });
});
