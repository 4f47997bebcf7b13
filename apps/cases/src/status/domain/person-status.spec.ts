import { KnownContact, KnownQuarantine, KnownTest, personStatus } from './person-status';

const contact = (degree: 1 | 2, identifiedAt: string): KnownContact => ({
  contactId: `c-${degree}-${identifiedAt}`,
  degree,
  sourcePersonId: 's',
  sourceCaseId: 'k',
  kind: 'HOUSEHOLD',
  lastExposureAt: identifiedAt,
  identifiedAt,
});
const quarantine = (degree: 1 | 2, orderedAt: string, endedAt: string | null = null): KnownQuarantine => ({
  quarantineId: `q-${orderedAt}`,
  kind: 'HOME',
  degree,
  dayZero: orderedAt.slice(0, 10),
  startsAt: orderedAt,
  endsAt: '2021-12-31T00:00:00Z',
  orderedAt,
  endedAt,
  endReason: endedAt ? 'COMPLETED' : null,
});
const test = (testId: string, quarantineId: string | null, result: string | null, dueOn: string): KnownTest => ({
  testId,
  quarantineId,
  dueOn,
  day: null,
  scheduledAt: null,
  result,
  testType: result ? 'PCR' : null,
  purpose: null,
  sampleTakenAt: null,
  recordedAt: result ? `${dueOn}T10:00:00Z` : null,
});
const none = { openCase: null, contacts: [], quarantines: [], tests: [] };

describe('personStatus', () => {
  it('is none without facts', () => {
    expect(personStatus('p', none)).toMatchObject({
      class: 'none',
      currentQuarantine: null,
      scheduledTests: [],
      pastTests: [],
    });
  });

  it('is F1/F2 from an identified contact before any quarantine, the closest degree winning', () => {
    expect(personStatus('p', { ...none, contacts: [contact(2, '2021-11-20T00:00:00Z')] }).class).toBe('F2');
    expect(
      personStatus('p', { ...none, contacts: [contact(2, '2021-11-20T00:00:00Z'), contact(1, '2021-11-19T00:00:00Z')] })
        .class,
    ).toBe('F1');
  });

  it('follows the quarantine in force, and returns to none once it ended', () => {
    const q = quarantine(1, '2021-11-20T01:00:00Z');
    expect(
      personStatus('p', { ...none, contacts: [contact(1, '2021-11-20T00:00:00Z')], quarantines: [q] }),
    ).toMatchObject({ class: 'F1', currentQuarantine: { quarantineId: q.quarantineId } });
    const ended = { ...q, endedAt: '2021-11-27T00:00:00Z', endReason: 'COMPLETED' };
    expect(
      personStatus('p', { ...none, contacts: [contact(1, '2021-11-20T00:00:00Z')], quarantines: [ended] }),
    ).toMatchObject({ class: 'none', currentQuarantine: null });
    expect(
      personStatus('p', {
        ...none,
        contacts: [contact(1, '2021-11-20T00:00:00Z'), contact(2, '2021-11-28T00:00:00Z')],
        quarantines: [ended],
      }).class,
    ).toBe('F2');
  });

  it('is F0 with an open case, whatever else is known', () => {
    const s = personStatus('p', {
      ...none,
      openCase: { caseId: 'k', confirmedAt: '2021-11-22T00:00:00Z', areaCode: '49' },
      quarantines: [quarantine(1, '2021-11-20T00:00:00Z')],
    });
    expect(s.class).toBe('F0');
    expect(s.contact).toBeNull();
  });

  it('splits scheduled from past tests and drops pending tests of an ended quarantine', () => {
    const q = quarantine(1, '2021-11-20T00:00:00Z');
    const old = quarantine(1, '2021-10-01T00:00:00Z', '2021-10-15T00:00:00Z');
    const s = personStatus('p', {
      ...none,
      quarantines: [q, old],
      tests: [
        test('t7', q.quarantineId, null, '2021-11-27'),
        test('t1', q.quarantineId, 'NEGATIVE', '2021-11-21'),
        test('t14', q.quarantineId, null, '2021-12-04'),
        test('old', old.quarantineId, null, '2021-10-14'),
      ],
    });
    expect(s.scheduledTests.map((t) => t.testId)).toEqual(['t7', 't14']);
    expect(s.pastTests.map((t) => t.testId)).toEqual(['t1']);
  });
});
