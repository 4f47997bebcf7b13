import { DomainError } from '@ct/platform';
import { AreaCatalog } from '@ct/platform';
import { ageBandOf, applyPersonFields, PersonRecord, profileChanged, profileOf } from './person';

const areas = new AreaCatalog([{ code: '49', name: 'P', level: 'province', parentCode: null, population: 100 }]);
const ctx = { now: new Date('2021-11-22T00:00:00Z'), skewMs: 0, areas };

function fields(err: unknown): string[] {
  expect(err).toBeInstanceOf(DomainError);
  return ((err as DomainError).details.details as { field: string }[]).map((d) => d.field).sort();
}

describe('applyPersonFields', () => {
  it('registers a person with normalized phone and ID number', () => {
    const p = applyPersonFields(
      'pc-1',
      null,
      {
        fullName: ' Nguyễn Văn A ',
        phone: '0905 123 456',
        nationalId: '049 201 000 123',
        areaCode: '49',
        vaccination: { doses: 2, lastDoseAt: '2021-09-01T00:00:00Z' },
      },
      ctx,
    );
    expect(p).toMatchObject({
      personId: 'pc-1',
      fullName: 'Nguyễn Văn A',
      phone: '+84905123456',
      nationalId: '049201000123',
      vaccineDoses: 2,
    });
  });

  it('names every bad field at once', () => {
    let err: unknown;
    try {
      applyPersonFields(
        'pc-1',
        null,
        {
          fullName: '',
          phone: 'call me',
          nationalId: '1',
          dateOfBirth: '2030-01-01',
          areaCode: '79',
          vaccination: { doses: 0, lastDoseAt: '2031-01-01T00:00:00Z' },
          recoveredAt: '2030-01-01T00:00:00Z',
        },
        ctx,
      );
    } catch (e) {
      err = e;
    }
    expect(fields(err)).toEqual([
      'areaCode',
      'dateOfBirth',
      'fullName',
      'nationalId',
      'phone',
      'recoveredAt',
      'vaccination.lastDoseAt',
    ]);
  });

  it('requires areaCode on registration but not on update', () => {
    expect(() => applyPersonFields('x', null, { fullName: 'A' }, ctx)).toThrow(DomainError);
    const current = applyPersonFields('x', null, { fullName: 'A', areaCode: '49' }, ctx);
    expect(applyPersonFields('x', current, { address: 'home' }, ctx)).toMatchObject({
      areaCode: '49',
      address: 'home',
    });
  });

  it('detects changes of the published profile only', () => {
    const a: PersonRecord = applyPersonFields('x', null, { fullName: 'A', areaCode: '49' }, ctx);
    expect(profileChanged(profileOf(a, ctx.now), profileOf({ ...a, fullName: 'B' }, ctx.now))).toBe(false);
    expect(profileChanged(profileOf(a, ctx.now), profileOf({ ...a, vaccineDoses: 1 }, ctx.now))).toBe(true);
    expect(
      profileChanged(
        profileOf({ ...a, recoveredAt: '2021-01-01T00:00:00Z' }, ctx.now),
        profileOf({ ...a, recoveredAt: '2021-01-01T00:00:00.000Z' }, ctx.now),
      ),
    ).toBe(false);
  });

  it('publishes health facts and an age band, never the date of birth', () => {
    const a = applyPersonFields(
      'x',
      null,
      { fullName: 'A', areaCode: '49', dateOfBirth: '1990-05-01', underlyingCondition: true, pregnant: false },
      ctx,
    );
    const p = profileOf(a, ctx.now);
    expect(p).toMatchObject({ ageBand: '1_TO_50', underlyingCondition: true, pregnant: false });
    expect(Object.keys(p)).not.toContain('dateOfBirth');
    expect(profileChanged(p, profileOf({ ...a, pregnant: null }, ctx.now))).toBe(true);
    expect(profileChanged(p, profileOf({ ...a, dateOfBirth: '1960-01-01' }, ctx.now))).toBe(true);
  });
});

describe('ageBandOf', () => {
  const on = new Date('2021-11-22T00:00:00Z');
  it.each([
    [null, null],
    ['2021-06-01', 'UNDER_1'],
    ['2020-11-22', '1_TO_50'],
    ['1971-11-22', '1_TO_50'],
    ['1970-11-23', '1_TO_50'],
    ['1970-11-22', 'OVER_50'],
  ])('born %s: %s', (dob, band) => {
    expect(ageBandOf(dob, on)).toBe(band);
  });
});
