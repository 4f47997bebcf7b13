import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

// For the specs that compare a certain-valid fast path (registry `certain`) with class-validator.

/** class-validator's verdict on a plain payload, and the instance it builds (as JSON). */
export function classValidatorSays<T extends object>(
  cls: new () => T,
  o: Record<string, unknown>,
): { valid: boolean; json: string } {
  const inst = plainToInstance(cls, o);
  const errors = validateSync(inst, { whitelist: true, forbidNonWhitelisted: false });
  return { valid: errors.length === 0, json: JSON.stringify(inst) };
}

/** Ids: valid, too long, blank, non-ASCII, wrong types. */
export const PROBE_IDS: unknown[] = [
  'x',
  'a'.repeat(128),
  'a'.repeat(129),
  '',
  ' ',
  'Nguyễn',
  'emoji-😀',
  42,
  null,
  undefined,
  {},
  ['a'],
];

/** UUIDs around a valid one: case, nil and max, wrong version or variant, no dashes, braces, wrong types. */
export function probeUuids(valid: string): unknown[] {
  return [
    valid,
    valid.toUpperCase(),
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '3f1c2a9e-8b7d-4c4e-1a1b-2c3d4e5f6a7b',
    '3f1c2a9e-8b7d-9c4e-9a1b-2c3d4e5f6a7b',
    '3f1c2a9e8b7d4c4e9a1b2c3d4e5f6a7b',
    `{${valid}}`,
    'not-a-uuid',
    '',
    7,
    null,
    undefined,
  ];
}

/** Timestamps: zones, leap days, impossible dates and times, missing zone, other formats, wrong types. */
export const PROBE_TIMES: unknown[] = [
  '2021-11-20T08:00:00Z',
  '2021-11-20T08:00:00+07:00',
  '2021-11-20T01:00:00Z',
  '2020-02-29T00:00:00Z',
  '2021-02-29T00:00:00Z',
  '2021-04-31T10:00:00Z',
  '2021-12-31T23:59:59.999999999+07:00',
  '2021-11-20T24:00:00Z',
  '2021-11-20T08:00:60Z',
  '2021-11-20T08:00:00+24:00',
  '2021-11-20T08:00:00',
  '2021-11-20 08:00:00Z',
  '20211120T080000Z',
  '1900-02-29T00:00:00Z',
  '0000-01-01T00:00:00Z',
  'yesterday',
  '',
  1637395200000,
  null,
  undefined,
];

/** Calendar dates: leap days, impossible days and months, before 1970, other formats, wrong types. */
export const PROBE_DATES: unknown[] = [
  '2021-11-20',
  '2020-02-29',
  '2021-02-29',
  '2000-02-29',
  '1900-02-29',
  '2021-04-31',
  '2021-12-31',
  '2021-13-01',
  '2021-00-10',
  '2021-11-00',
  '1969-12-31',
  '0000-01-01',
  '2021-1-5',
  '20211120',
  '2021-W46-6',
  '2021-324',
  '2021-11-20T00:00:00Z',
  ' 2021-11-20',
  '',
  20211120,
  new Date('2021-11-20'),
  null,
  undefined,
];
