import { randomUUID } from 'node:crypto';
import { ContractViolation, createEvent } from '../parse';
import { EVENT_TYPES } from '../registry';
import { classValidatorSays as judged, PROBE_DATES, PROBE_IDS, PROBE_TIMES, probeUuids } from '../testing/fast-path';
import { certainQuarantineOrdered, QuarantineOrdered } from './quarantine.v1';

const valid = {
  quarantineId: '3f1c2a9e-8b7d-4c4e-9a1b-2c3d4e5f6a7b',
  personId: 'p-1',
  kind: 'CENTRALIZED',
  facilityId: 'f-1',
  dayZero: '2021-11-20',
  startsAt: '2021-11-20T09:00:00.000Z',
  endsAt: '2021-12-04T09:00:00.000Z',
  testDays: [1, 7, 14],
  sourceCaseId: '0b6e7a52-4c1f-4d2e-8f3a-9b8c7d6e5f40',
  sourcePersonId: 'p-0',
  degree: 1,
  orderedAt: '2021-11-21T01:02:03.456Z',
  needsFacility: false,
};
type Field = keyof typeof valid;

const classValidatorSays = (o: Record<string, unknown>) => judged(QuarantineOrdered, o);
const ids = PROBE_IDS;
const uuids = probeUuids(valid.quarantineId);
const times = PROBE_TIMES;
const dates = PROBE_DATES;
const sparse: unknown[] = [1];
sparse[2] = 14;
// A sparse array and a Set pass class-validator (every() skips holes; class-transformer turns a Set
// into an array); the fast path leaves both to it.
const dayLists: unknown[] = [
  [],
  [0],
  [366],
  [367],
  [-1],
  [1.5],
  [0, 0],
  [14, 7, 1],
  [-0],
  ['1'],
  [null],
  [NaN],
  [Infinity],
  [[1]],
  sparse,
  Array.from({ length: 367 }, (_, i) => i),
  '1,7,14',
  { 0: 1, length: 1 },
  new Set([1, 7]),
  1,
  null,
  undefined,
];

describe('QuarantineOrdered fast path', () => {
  it('accepts the plain valid payload, keeping only the contract fields', () => {
    const input = { ...valid, extra: 'dropped' };
    const p = certainQuarantineOrdered(input);
    expect(p).toBeInstanceOf(QuarantineOrdered);
    expect(JSON.parse(JSON.stringify(p))).toEqual(valid);
    expect(p?.testDays).not.toBe(input.testDays); // a copy, as class-transformer gives
    expect(
      certainQuarantineOrdered({
        ...valid,
        kind: 'HOME',
        facilityId: null,
        degree: 2,
        testDays: [],
        needsFacility: true,
      }),
    ).not.toBeNull();
  });

  it('never accepts what class-validator refuses, and gives the same payload when it accepts', () => {
    let accepted = 0;
    let validCases = 0;
    let cases = 0;
    const wrong: unknown[] = [];
    const check = (o: Record<string, unknown>) => {
      cases++;
      const fast = certainQuarantineOrdered(o);
      const slow = classValidatorSays(o);
      if (slow.valid) validCases++;
      if (fast === null) return;
      accepted++;
      if (!(fast instanceof QuarantineOrdered) || !slow.valid || JSON.stringify(fast) !== slow.json) wrong.push(o);
    };
    for (const f of ['personId', 'sourcePersonId', 'facilityId']) for (const v of ids) check({ ...valid, [f]: v });
    for (const f of ['quarantineId', 'sourceCaseId']) for (const v of uuids) check({ ...valid, [f]: v });
    for (const d of [0, 1, 2, 3, '1', 1.5, null, undefined]) check({ ...valid, degree: d });
    for (const kind of ['HOME', 'CENTRALIZED', 'SELF_MONITORING', 'home', 'OTHER', '', null, 1, undefined])
      for (const facilityId of ['f-1', null, '', 'a'.repeat(129), 5, undefined])
        for (const needsFacility of [true, false, 'true', 0, 1, null, undefined, new Boolean(true)])
          check({ ...valid, kind, facilityId, needsFacility });
    for (const d of dates) check({ ...valid, dayZero: d });
    for (const t of times) check({ ...valid, orderedAt: t });
    for (const a of times) for (const b of times) check({ ...valid, startsAt: a, endsAt: b });
    check({ ...valid, endsAt: valid.startsAt });
    check({ ...valid, startsAt: '2021-11-20T08:00:00+07:00', endsAt: '2021-11-20T01:00:00Z' }); // the same instant
    check({ ...valid, startsAt: '2021-11-20T08:00:00+07:00', endsAt: '2021-11-20T01:00:00.001Z' });
    for (const l of dayLists) check({ ...valid, testDays: l });
    for (const f of Object.keys(valid) as Field[]) {
      const { [f]: _omit, ...rest } = valid;
      check(rest);
    }
    expect(wrong).toEqual([]);
    expect(cases).toBeGreaterThan(800);
    expect(accepted).toBeGreaterThan(45);
    // Stricter by design (ASCII ids, lowercase RFC 4122 UUIDs, no dates before 1970), yet most valid variants pass.
    expect(accepted / validCases).toBeGreaterThan(0.5);
  });

  it('serves a burst shaped like the quarantine workflow entirely, leaving broken payloads to class-validator', () => {
    // The measure is the share of the burst that needs class-validator: none of it.
    const def = EVENT_TYPES.QuarantineOrdered as { certain: (p: Record<string, unknown>) => QuarantineOrdered | null };
    const spy = jest.spyOn(def, 'certain');
    try {
      const start = Date.parse('2021-11-20T09:00:00Z');
      for (let i = 0; i < 2000; i++) {
        const startsAt = new Date(start + i * 1000);
        const home = i % 3 === 0;
        const payload = {
          quarantineId: randomUUID(),
          personId: `p-${i}`,
          kind: home ? ('HOME' as const) : ('CENTRALIZED' as const),
          facilityId: home || i % 7 === 0 ? null : `f-${i % 40}`,
          dayZero: '2021-11-19',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 14 * 86_400_000).toISOString(),
          testDays: [1, 7, 14],
          sourceCaseId: valid.sourceCaseId,
          sourcePersonId: 'p-0',
          degree: 1 as const,
          orderedAt: startsAt.toISOString(),
          needsFacility: !home && i % 7 === 0,
        };
        expect(createEvent('QuarantineOrdered', payload, { source: '/quarantine' }).payload).toBeInstanceOf(
          QuarantineOrdered,
        );
      }
      expect(spy).toHaveBeenCalledTimes(2000);
      expect(spy.mock.results.filter((r) => r.value === null)).toHaveLength(0);
    } finally {
      spy.mockRestore();
    }
    const broken = { ...valid, endsAt: valid.startsAt, testDays: [400] } as unknown as QuarantineOrdered;
    expect(() => createEvent('QuarantineOrdered', broken, { source: '/quarantine' })).toThrow(ContractViolation);
    expect(() => createEvent('QuarantineOrdered', broken, { source: '/quarantine' })).toThrow(
      /endsAt must be after startsAt.*testDays/,
    );
  });
});
