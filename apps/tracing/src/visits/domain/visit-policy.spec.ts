import { admissibility, CheckIn, endOfStay, firstKeptDay, planBatch, VisitPolicy } from './visit-policy';

const policy: VisitPolicy = { defaultStayMinutes: 60, retentionDays: 21, maxClockSkewSeconds: 300 };
const now = new Date('2021-11-20T12:00:00Z');
const base: CheckIn = {
  checkInId: 'c1',
  personId: 'p1',
  venueId: 'v1',
  checkedInAt: '2021-11-20T08:00:00Z',
  checkedOutAt: null,
  source: 'pc-covid',
};

describe('visit policy', () => {
  it('ends a stay at its check-out, else after the default stay', () => {
    const inAt = new Date('2021-11-20T08:00:00Z');
    expect(endOfStay(inAt, null, 60).toISOString()).toBe('2021-11-20T09:00:00.000Z');
    expect(endOfStay(inAt, new Date('2021-11-20T08:20:00Z'), 60).toISOString()).toBe('2021-11-20T08:20:00.000Z');
  });

  it('accepts check-ins within the clock skew and refuses later ones', () => {
    expect(admissibility({ ...base, checkedInAt: '2021-11-20T12:04:59Z' }, now, policy)).toBeNull();
    expect(admissibility({ ...base, checkedInAt: '2021-11-20T12:05:01Z' }, now, policy)?.reason).toBe(
      'check-in in the future',
    );
    expect(admissibility({ ...base, checkedOutAt: '2021-11-20T13:00:00Z' }, now, policy)?.fields[0].field).toBe(
      'checkedOutAt',
    );
  });

  it('refuses check-ins older than retention', () => {
    expect(admissibility({ ...base, checkedInAt: '2021-10-30T11:59:59Z' }, now, policy)?.reason).toBe(
      'check-in older than retention',
    );
    expect(admissibility({ ...base, checkedInAt: '2021-10-30T12:00:01Z' }, now, policy)).toBeNull();
    expect(firstKeptDay(now, 21)).toBe('2021-10-30');
  });

  it('collapses a batch to one row per stay, a check-out winning', () => {
    const out = { ...base, checkedOutAt: '2021-11-20T08:30:00Z' };
    const other = { ...base, checkInId: 'c2', checkedInAt: '2021-11-19T23:00:00Z' };
    const plan = planBatch(
      [base, out, base, other, { ...base, checkInId: 'c3', checkedInAt: '2030-01-01T00:00:00Z' }],
      (x) => x,
      now,
      policy,
    );
    expect(plan.rows).toHaveLength(2);
    const c1 = plan.rows.find((r) => r.checkInId === 'c1')!;
    expect(c1.checkedOutAt).toBe('2021-11-20T08:30:00Z');
    expect(plan.days).toEqual(['2021-11-19', '2021-11-20']);
    expect(plan.rejected.map((r) => r.item.checkInId)).toEqual(['c3']);
  });

  it('keys a stay by instant, not by how the time is written', () => {
    const plan = planBatch(
      [base, { ...base, checkedInAt: '2021-11-20T15:00:00+07:00', checkedOutAt: '2021-11-20T09:00:00Z' }],
      (x) => x,
      now,
      policy,
    );
    expect(plan.rows).toHaveLength(1);
    expect(plan.rows[0].checkedOutAt).toBe('2021-11-20T09:00:00Z');
  });

  it('treats the same id with another check-in time as another stay (the partition key is part of the identity)', () => {
    const plan = planBatch([base, { ...base, checkedInAt: '2021-11-20T09:00:00Z' }], (x) => x, now, policy);
    expect(plan.rows).toHaveLength(2);
  });
});
