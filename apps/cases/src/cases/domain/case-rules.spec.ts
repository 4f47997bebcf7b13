import { DomainError } from '@ct/platform';
import { AreaCatalog } from '@ct/platform';
import { checkCaseInput, checkClose, checkDeclaredContact, parseOutcome } from './case-rules';

const areas = new AreaCatalog([{ code: '49', name: 'P', level: 'province', parentCode: null, population: 100 }]);
const now = new Date('2021-11-22T12:00:00Z');
const ctx = { now, skewMs: 60_000, areas };
const base = {
  confirmedAt: '2021-11-20T08:00:00Z',
  symptomOnsetAt: null,
  sampleTakenAt: null,
  testType: 'PCR' as const,
  origin: 'INVESTIGATION' as const,
  areaCode: '49',
};

function badFields(fn: () => void): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('invalid');
    return ((e as DomainError).details.details as { field: string }[]).map((d) => d.field).sort();
  }
  throw new Error('expected a DomainError');
}

describe('checkCaseInput', () => {
  it('accepts a plausible case, tolerating the clock skew', () => {
    expect(() => checkCaseInput(base, ctx)).not.toThrow();
    expect(() => checkCaseInput({ ...base, confirmedAt: '2021-11-22T12:00:30Z' }, ctx)).not.toThrow();
  });

  it('names future dates, onset or sample after confirmation and unknown areas together', () => {
    expect(
      badFields(() =>
        checkCaseInput(
          { ...base, confirmedAt: '2021-11-23T00:00:00Z', symptomOnsetAt: '2021-11-24T00:00:00Z', areaCode: '79' },
          ctx,
        ),
      ),
    ).toEqual(['areaCode', 'confirmedAt', 'symptomOnsetAt']);
    expect(
      badFields(() =>
        checkCaseInput({ ...base, symptomOnsetAt: '2021-11-21T00:00:00Z', sampleTakenAt: '2021-11-20T09:00:00Z' }, ctx),
      ),
    ).toEqual(['sampleTakenAt', 'symptomOnsetAt']);
  });
});

describe('checkClose', () => {
  const open = { caseId: 'c', status: 'OPEN' as const, confirmedAt: new Date('2021-11-20T08:00:00Z') };
  it('closes an open case after its confirmation', () => {
    expect(() => checkClose(open, '2021-11-21T00:00:00Z', ctx)).not.toThrow();
  });
  it('refuses a closed case (409) and implausible dates (400)', () => {
    expect(() => checkClose({ ...open, status: 'CLOSED' }, '2021-11-21T00:00:00Z', ctx)).toThrow(
      expect.objectContaining({ kind: 'conflict' }),
    );
    expect(badFields(() => checkClose(open, '2021-11-19T00:00:00Z', ctx))).toEqual(['closedAt']);
    expect(badFields(() => checkClose(open, '2021-12-01T00:00:00Z', ctx))).toEqual(['closedAt']);
  });
  it('parses outcomes in either case', () => {
    expect(parseOutcome('recovered')).toBe('RECOVERED');
    expect(parseOutcome('DECEASED')).toBe('DECEASED');
    expect(parseOutcome('cured')).toBeNull();
  });
});

describe('checkDeclaredContact', () => {
  const c = { caseId: 'c', status: 'OPEN' as const, confirmedAt: new Date('2021-11-20T08:00:00Z'), personId: 'f0' };
  it('accepts a contact exposed in the past', () => {
    expect(() =>
      checkDeclaredContact(
        c,
        { personId: 'f1', startedAt: '2021-11-18T00:00:00Z', endedAt: '2021-11-20T00:00:00Z' },
        ctx,
      ),
    ).not.toThrow();
  });
  it('names self-contact, reversed and future intervals', () => {
    expect(
      badFields(() =>
        checkDeclaredContact(
          c,
          { personId: 'f0', startedAt: '2021-11-20T00:00:00Z', endedAt: '2021-11-19T00:00:00Z' },
          ctx,
        ),
      ),
    ).toEqual(['endedAt', 'personId']);
    expect(
      badFields(() =>
        checkDeclaredContact(
          c,
          { personId: 'f1', startedAt: '2021-11-30T00:00:00Z', endedAt: '2021-12-01T00:00:00Z' },
          ctx,
        ),
      ),
    ).toEqual(['endedAt', 'startedAt']);
  });
  it('refuses declarations on a closed case', () => {
    expect(() =>
      checkDeclaredContact(
        { ...c, status: 'CLOSED' },
        { personId: 'f1', startedAt: '2021-11-18T00:00:00Z', endedAt: '2021-11-19T00:00:00Z' },
        ctx,
      ),
    ).toThrow(expect.objectContaining({ code: 'CASE.NOT_OPEN', kind: 'conflict' }));
  });
});
