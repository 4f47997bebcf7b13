import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isCalendarDate } from '../validation';
import { certainCheckInRecorded, CheckInRecorded } from './checkins.v1';

const valid = {
  checkInId: 'ci-1',
  personId: 'p-1',
  venueId: 'v-1',
  checkedInAt: '2021-11-20T08:00:00+07:00',
  checkedOutAt: '2021-11-20T09:30:00.123Z',
  source: 'pc-covid',
};

function classValidatorSays(o: Record<string, unknown>): { valid: boolean; payload: Record<string, unknown> } {
  const inst = plainToInstance(CheckInRecorded, o);
  const errors = validateSync(inst, { whitelist: true, forbidNonWhitelisted: false });
  return { valid: errors.length === 0, payload: { ...inst } };
}

const ids: unknown[] = [
  'x',
  'a'.repeat(128),
  'a'.repeat(129),
  '',
  ' ',
  'Nguyễn',
  '\uFE0F',
  'emoji-😀',
  'nul\u0000',
  'tab\t',
  'del\u007F',
  42,
  null,
  undefined,
  {},
  ['a'],
];
const times: unknown[] = [
  '2021-11-20T08:00:00Z',
  '2020-02-29T00:00:00Z',
  '2021-02-29T00:00:00Z',
  '2021-04-31T10:00:00Z',
  '2021-12-31T23:59:59.999999999+07:00',
  '2021-11-20T24:00:00Z',
  '2021-11-20T23:60:00Z',
  '2021-11-20T08:00:60Z',
  '2021-11-20T08:00:00+24:00',
  '2021-11-20T08:00:00-03:30',
  '2021-11-20T08:00:00+14:00',
  '2021-11-20T08:00:00-14:00',
  '2021-11-20T08:00:00+14:01',
  '2021-11-20T08:00:00+16:30',
  '2021-11-20T08:00:00-15:00',
  '2021-11-20T08:00:00+05:60',
  '2021-11-20T08:00:00',
  '2021-11-20 08:00:00Z',
  '20211120T080000Z',
  '2021-13-01T00:00:00Z',
  '2021-00-10T00:00:00Z',
  '1900-02-29T00:00:00Z',
  '2000-02-29T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '2021-11-20T08:00:00.Z',
  'yesterday',
  '',
  1637395200000,
  null,
  undefined,
];

describe('CheckInRecorded fast path', () => {
  it('accepts the plain valid payload, keeping only the contract fields', () => {
    const p = certainCheckInRecorded({ ...valid, extra: 'dropped' });
    expect(p).toBeInstanceOf(CheckInRecorded);
    expect({ ...p }).toEqual(valid);
    expect(certainCheckInRecorded({ ...valid, checkedOutAt: null })).not.toBeNull();
  });

  it('never accepts what class-validator refuses, and gives the same payload when it accepts', () => {
    let accepted = 0;
    let cases = 0;
    const wrong: unknown[] = [];
    const check = (o: Record<string, unknown>) => {
      cases++;
      const fast = certainCheckInRecorded(o);
      const slow = classValidatorSays(o);
      if (fast !== null) {
        accepted++;
        if (!slow.valid || JSON.stringify({ ...fast }) !== JSON.stringify(slow.payload)) wrong.push(o);
      }
    };
    for (const field of ['checkInId', 'personId', 'venueId', 'source'])
      for (const v of ids) check({ ...valid, [field]: v });
    for (const a of times) {
      check({ ...valid, checkedInAt: a, checkedOutAt: null });
      for (const b of times) check({ ...valid, checkedInAt: a, checkedOutAt: b });
    }
    const { checkedOutAt: _omit, ...noOut } = valid;
    check(noOut);
    check({ ...valid, checkedOutAt: valid.checkedInAt });
    check({ ...valid, checkedOutAt: '2021-11-20T01:00:00Z' }); // the same instant as checkedInAt
    expect(wrong).toEqual([]);
    expect(cases).toBeGreaterThan(900);
    expect(accepted).toBeGreaterThan(25);
  });
});

describe('one timestamp rule and no control characters, fast path and class-validator alike', () => {
  it.each([
    ['2021-11-20T08:00:00+14:00', true],
    ['2021-11-20T08:00:00-14:00', true],
    ['2021-11-20T08:00:00+14:01', false],
    ['2021-11-20T08:00:00+16:30', false],
    ['2021-11-20T08:00:00+05:60', false],
    ['2021-W47-6T08:00:00Z', false],
    ['2021-324T08:00:00Z', false],
    ['0000-01-01T00:00:00Z', false],
    ['1899-12-31T23:59:59Z', false],
    ['1970-01-01T00:00:00Z', true],
  ])('checkedInAt %s valid: %s', (at, ok) => {
    const o = { ...valid, checkedInAt: at, checkedOutAt: null };
    expect(classValidatorSays(o).valid).toBe(ok);
    expect(certainCheckInRecorded(o) !== null).toBe(ok);
  });

  it.each(['p\u0000', 'p\n1', 'p\u001b[31m', 'p\u007F'])('refuses the id %j', (id) => {
    const o = { ...valid, personId: id };
    expect(classValidatorSays(o).valid).toBe(false);
    expect(certainCheckInRecorded(o)).toBeNull();
  });
});

describe('calendar dates', () => {
  it.each([
    ['2021-11-20', true],
    ['1900-01-01', true],
    ['0000-01-01', false],
    ['1899-12-31', false],
    ['2021-02-30', false],
    ['2021-W47-6', false],
    ['2021-324', false],
  ])('%s valid: %s', (d, ok) => expect(isCalendarDate(d)).toBe(ok));
});
