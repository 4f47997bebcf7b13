import { classValidatorSays as judged } from '../testing/fast-path';
import { certainContactIdentified, ContactIdentified } from './contacts.v1';

const valid = {
  contactId: '3f1c2a9e-8b7d-5c4e-9a1b-2c3d4e5f6a7b',
  personId: 'p-1',
  sourcePersonId: 'p-0',
  sourceCaseId: '0b6e7a52-4c1f-4d2e-8f3a-9b8c7d6e5f40',
  degree: 1,
  exposure: {
    kind: 'CO_LOCATION',
    venueId: 'v-1',
    startedAt: '2021-11-20T08:00:00Z',
    endedAt: '2021-11-20T09:00:00.000Z',
  },
  lastExposureAt: '2021-11-20T09:00:00.000Z',
  identifiedAt: '2021-11-21T01:02:03.456Z',
};

const classValidatorSays = (o: Record<string, unknown>) => judged(ContactIdentified, o);

const ids: unknown[] = ['x', 'a'.repeat(128), 'a'.repeat(129), '', 'Nguyễn', 42, null, undefined, ['a']];
const uuids: unknown[] = [
  valid.contactId,
  valid.contactId.toUpperCase(),
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  '3f1c2a9e8b7d5c4e9a1b2c3d4e5f6a7b',
  7,
  null,
];
const times: unknown[] = [
  '2021-11-20T08:00:00Z',
  '2021-11-20T07:59:59Z',
  '2021-02-29T00:00:00Z',
  '2021-11-20T08:00:00',
  'yesterday',
  '',
  0,
  null,
];

describe('ContactIdentified fast path', () => {
  it('accepts the plain valid payload, keeping only the contract fields', () => {
    const p = certainContactIdentified({ ...valid, extra: 'dropped' });
    expect(p).toBeInstanceOf(ContactIdentified);
    expect(JSON.parse(JSON.stringify(p))).toEqual(valid);
    expect(
      certainContactIdentified({
        ...valid,
        degree: 2,
        exposure: { ...valid.exposure, kind: 'HOUSEHOLD', venueId: null },
      }),
    ).not.toBeNull();
  });

  it('never accepts what class-validator refuses, and gives the same payload when it accepts', () => {
    let accepted = 0;
    let cases = 0;
    const wrong: unknown[] = [];
    const check = (o: Record<string, unknown>) => {
      cases++;
      const fast = certainContactIdentified(o);
      if (fast === null) return;
      accepted++;
      const slow = classValidatorSays(o);
      if (!slow.valid || JSON.stringify(fast) !== slow.json) wrong.push(o);
    };
    for (const f of ['personId', 'sourcePersonId']) for (const v of ids) check({ ...valid, [f]: v });
    check({ ...valid, sourcePersonId: valid.personId });
    for (const f of ['contactId', 'sourceCaseId']) for (const v of uuids) check({ ...valid, [f]: v });
    for (const d of [0, 1, 2, 3, '1', 1.5, null]) check({ ...valid, degree: d });
    for (const f of ['lastExposureAt', 'identifiedAt']) for (const t of times) check({ ...valid, [f]: t });
    for (const kind of ['CO_LOCATION', 'HOUSEHOLD', 'DECLARED', 'OTHER', null])
      for (const venueId of ['v-1', null, '', 5]) check({ ...valid, exposure: { ...valid.exposure, kind, venueId } });
    for (const a of times)
      for (const b of times) check({ ...valid, exposure: { ...valid.exposure, startedAt: a, endedAt: b } });
    for (const e of [null, [], 'x', [valid.exposure], {}]) check({ ...valid, exposure: e });
    expect(wrong).toEqual([]);
    expect(cases).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(10);
  });
});
