import { toKafkaHeaders } from './headers';
import { ContractViolation, createEvent, parse, validatePayload } from './parse';
import { ALL_EVENT_TYPES, EVENT_TYPES, EventType } from './registry';
import { sampleMessage, samplePlain, SAMPLE_PAYLOADS } from './testing/samples';

type Change = (p: Record<string, unknown>) => void;
const set =
  (field: string, value: unknown): Change =>
  (p) => {
    const path = field.split('.');
    const last = path.pop()!;
    const target = path.reduce((o, k) => o[k] as Record<string, unknown>, p);
    if (value === undefined) delete target[last];
    else target[last] = value;
  };
const without = (field: string) => set(field, undefined);
const both =
  (...changes: Change[]): Change =>
  (p) =>
    changes.forEach((c) => c(p));

function changed(type: EventType, change: Change): Record<string, unknown> {
  const p = samplePlain(type);
  change(p);
  return p;
}

function sampleFor(type: EventType, change: Change) {
  return sampleMessage(type, changed(type, change));
}

const UUID = '0d9c8b7a-6f5e-4d3c-8b2a-190817263544';
const LONG = 'x'.repeat(129);

describe('event payloads: one valid sample per type', () => {
  it.each(ALL_EVENT_TYPES)('%s sample is valid', (type) => {
    expect(validatePayload(type, SAMPLE_PAYLOADS[type])).toEqual([]);
  });

  it.each(ALL_EVENT_TYPES)('%s round-trips createEvent -> Kafka headers and JSON -> parse unchanged', (type) => {
    const sent = createEvent(type, SAMPLE_PAYLOADS[type], { source: '/test', causationId: 'cause-1' });
    const headers = Object.fromEntries(Object.entries(toKafkaHeaders(sent.meta)).map(([k, v]) => [k, Buffer.from(v)]));
    const result = parse({
      topic: sent.topic,
      key: Buffer.from(sent.key),
      value: Buffer.from(JSON.stringify(sent.payload)),
      headers,
    });

    if (!result.ok) throw result.error;
    expect(result.event.payload).toEqual(SAMPLE_PAYLOADS[type]);
    expect(result.event.payload).toBeInstanceOf(EVENT_TYPES[type].payload);
    expect(result.event.meta).toEqual(sent.meta);
    expect(result.event.meta).toMatchObject({ type, causationId: 'cause-1', correlationId: sent.meta.id });
    expect(result.event.topic).toBe(EVENT_TYPES[type].topic);
    expect(result.event.key).toBe(sent.key);
  });
});

describe('event payloads: valid variants', () => {
  it.each<[EventType, string, Change]>([
    ['CheckInRecorded', 'no check-out yet', set('checkedOutAt', null)],
    ['CheckInRecorded', 'a feed id that is not a UUID, at the 128-character limit', set('checkInId', 'x'.repeat(128))],
    ['CheckInRecorded', 'fractional seconds and a negative offset', set('checkedInAt', '2021-11-20T02:00:00.5-05:00')],
    ['CaseConfirmed', 'sourceTestId null', set('sourceTestId', null)],
    ['CaseConfirmed', 'sourceTestId absent (optional: absent means unknown)', without('sourceTestId')],
    ['ContactDeclared', 'an instant contact (endedAt = startedAt)', set('endedAt', '2021-11-19T10:00:00Z')],
    [
      'ContactIdentified',
      'a household exposure without venue, degree 2',
      both(set('exposure.kind', 'HOUSEHOLD'), set('exposure.venueId', null), set('degree', 2)),
    ],
    ['QuarantineOrdered', 'no test days', set('testDays', [])],
    [
      'QuarantineTransferred',
      'an F2 watch escalated, no facility free yet',
      both(
        set('previousKind', 'SELF_MONITORING'),
        set('reason', 'ESCALATED'),
        set('facilityId', null),
        set('needsFacility', true),
      ),
    ],
    ['TestScheduled', 'outside any quarantine', both(set('quarantineId', null), set('day', null))],
    [
      'EpidemicLevelChanged',
      "an area's first assessment with zero cases",
      both(set('previousLevel', null), set('casesPer100k', 0)),
    ],
    ['PersonProfileChanged', 'the maximum of 10 doses', set('vaccineDoses', 10)],
  ])('%s: %s', (type, _what, change) => {
    expect(validatePayload(type, changed(type, change))).toEqual([]);
  });

  it('drops fields the contract does not define, so consumers see exactly v1', () => {
    const result = parse({ ...sampleFor('CaseClosed', both(set('note', 'extra'), set('nested', { a: 1 }))) });
    if (!result.ok) throw result.error;
    expect(result.event.payload).toEqual(SAMPLE_PAYLOADS.CaseClosed);
    expect(Object.keys(result.event.payload)).not.toContain('note');
  });
});

describe('event payloads: invalid samples name exactly the bad fields', () => {
  it.each<[EventType, string, Change, string[]]>([
    ['CheckInRecorded', 'missing personId', without('personId'), ['personId']],
    ['CheckInRecorded', 'check-out before check-in', set('checkedOutAt', '2021-11-20T07:59:59Z'), ['checkedOutAt']],
    [
      'CheckInRecorded',
      'check-out equal to check-in',
      set('checkedOutAt', '2021-11-20T15:00:00+07:00'),
      ['checkedOutAt'],
    ],
    [
      'CheckInRecorded',
      'checkedOutAt absent (nullable fields must be present)',
      without('checkedOutAt'),
      ['checkedOutAt'],
    ],
    ['CheckInRecorded', 'timestamp without timezone', set('checkedInAt', '2021-11-20T08:00:00'), ['checkedInAt']],
    ['CheckInRecorded', 'ISO week date', set('checkedInAt', '2021-W46-6T08:00:00Z'), ['checkedInAt']],
    ['CheckInRecorded', 'date only', set('checkedInAt', '2021-11-20'), ['checkedInAt']],
    [
      'CheckInRecorded',
      'empty venueId and too long checkInId',
      both(set('venueId', ''), set('checkInId', LONG)),
      ['checkInId', 'venueId'],
    ],
    ['CheckInRecorded', 'numeric personId', set('personId', 42), ['personId']],
    ['CheckInRecorded', 'missing source', without('source'), ['source']],
    ['CaseConfirmed', 'bad testType enum', set('testType', 'ANTIBODY'), ['testType']],
    ['CaseConfirmed', 'caseId not a UUID', set('caseId', 'case-1'), ['caseId']],
    ['CaseConfirmed', 'missing origin', without('origin'), ['origin']],
    ['CaseConfirmed', 'impossible date', set('symptomOnsetAt', '2021-02-30T00:00:00Z'), ['symptomOnsetAt']],
    ['CaseConfirmed', 'sourceTestId not a UUID', set('sourceTestId', 'lab-7'), ['sourceTestId']],
    ['CaseConfirmed', 'sampleTakenAt absent', without('sampleTakenAt'), ['sampleTakenAt']],
    ['CaseClosed', 'bad outcome', set('outcome', 'CURED'), ['outcome']],
    ['CaseClosed', 'closedAt not a timestamp', set('closedAt', 'yesterday'), ['closedAt']],
    ['ContactDeclared', 'ended before it started', set('endedAt', '2021-11-19T09:59:59Z'), ['endedAt']],
    ['ContactDeclared', 'a person declared as their own contact', set('personId', 'p-f0'), ['personId']],
    ['ContactDeclared', 'co-location is not a declared kind', set('kind', 'CO_LOCATION'), ['kind']],
    ['ContactDeclared', 'declarationId not a UUID', set('declarationId', 'd-1'), ['declarationId']],
    ['PersonProfileChanged', '11 doses', set('vaccineDoses', 11), ['vaccineDoses']],
    ['PersonProfileChanged', 'a fractional dose', set('vaccineDoses', 1.5), ['vaccineDoses']],
    ['PersonProfileChanged', 'doses as a string', set('vaccineDoses', '2'), ['vaccineDoses']],
    ['PersonProfileChanged', 'lastDoseAt absent', without('lastDoseAt'), ['lastDoseAt']],
    ['ContactIdentified', 'degree 3', set('degree', 3), ['degree']],
    ['ContactIdentified', 'degree as a string', set('degree', '1'), ['degree']],
    ['ContactIdentified', 'wrong nested exposure.kind', set('exposure.kind', 'NEARBY'), ['exposure.kind']],
    ['ContactIdentified', 'bad nested timestamp', set('exposure.startedAt', 'soon'), ['exposure.startedAt']],
    [
      'ContactIdentified',
      'nested interval reversed',
      set('exposure.endedAt', '2021-11-20T08:09:00Z'),
      ['exposure.endedAt'],
    ],
    ['ContactIdentified', 'co-location without venue', set('exposure.venueId', null), ['exposure.kind']],
    [
      'ContactIdentified',
      'nested venueId absent',
      both(set('exposure.kind', 'HOUSEHOLD'), without('exposure.venueId')),
      ['exposure.venueId'],
    ],
    ['ContactIdentified', 'exposure missing', without('exposure'), ['exposure']],
    ['ContactIdentified', 'exposure as an array of valid exposures', (p) => (p.exposure = [p.exposure]), ['exposure']],
    ['ContactIdentified', 'exposure as a string', set('exposure', 'CO_LOCATION'), ['exposure']],
    ['ContactIdentified', 'own contact', set('sourcePersonId', 'p-f1'), ['personId']],
    ['ContactIdentified', 'sourceCaseId not a UUID', set('sourceCaseId', 'c-1'), ['sourceCaseId']],
    ['QuarantineOrdered', 'a non-integer test day', set('testDays', [1, 'x']), ['testDays']],
    ['QuarantineOrdered', 'a negative test day', set('testDays', [-1]), ['testDays']],
    ['QuarantineOrdered', 'testDays not an array', set('testDays', 7), ['testDays']],
    ['QuarantineOrdered', 'dayZero with a time', set('dayZero', '2021-11-20T00:00:00Z'), ['dayZero']],
    ['QuarantineOrdered', 'ends before it starts', set('endsAt', '2021-11-22T10:00:00Z'), ['endsAt']],
    ['QuarantineOrdered', 'needsFacility as a string', set('needsFacility', 'yes'), ['needsFacility']],
    ['QuarantineOrdered', 'unknown kind', set('kind', 'HOTEL'), ['kind']],
    ['QuarantineOrdered', 'facilityId absent', without('facilityId'), ['facilityId']],
    ['QuarantineExtended', 'new end not after the previous one', set('endsAt', '2021-11-27T17:00:00Z'), ['endsAt']],
    ['QuarantineExtended', 'quarantineId not a UUID', set('quarantineId', 'q-1'), ['quarantineId']],
    ['QuarantineTransferred', 'unknown transfer reason', set('reason', 'MOVED'), ['reason']],
    ['QuarantineTransferred', 'facilityId absent', without('facilityId'), ['facilityId']],
    ['QuarantineEnded', 'bad reason', set('reason', 'DONE'), ['reason']],
    ['QuarantineEnded', 'missing endedAt', without('endedAt'), ['endedAt']],
    ['TestScheduled', 'month 13', set('dueOn', '2021-13-01'), ['dueOn']],
    ['TestScheduled', 'negative day', set('day', -1), ['day']],
    ['TestScheduled', 'quarantineId not a UUID', set('quarantineId', 'q-1'), ['quarantineId']],
    ['TestScheduled', 'day absent', without('day'), ['day']],
    ['TestResultRecorded', 'bad result', set('result', 'POS'), ['result']],
    ['TestResultRecorded', 'missing purpose', without('purpose'), ['purpose']],
    ['TestResultRecorded', 'testId not a UUID', set('testId', UUID.slice(1)), ['testId']],
    ['EpidemicLevelChanged', 'level 5', set('level', 5), ['level']],
    ['EpidemicLevelChanged', 'previous level 0', set('previousLevel', 0), ['previousLevel']],
    ['EpidemicLevelChanged', 'negative incidence', set('casesPer100k', -1), ['casesPer100k']],
    ['EpidemicLevelChanged', 'weekStart not a date', set('weekStart', '2021-11-31'), ['weekStart']],
    ['EpidemicLevelChanged', 'empty areaCode', set('areaCode', ''), ['areaCode']],
  ])('%s: %s', (type, _what, change, fields) => {
    const plain = changed(type, change);
    expect(
      validatePayload(type, plain)
        .map((f) => f.field)
        .sort(),
    ).toEqual(fields);

    const result = parse(sampleFor(type, change));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.reason).toBe(`invalid ${type} payload`);
    expect(result.error.fields.map((f) => f.field).sort()).toEqual(fields);
    for (const f of fields) expect(result.error.message).toContain(f);
  });

  it('reports a missing field once, as missing', () => {
    expect(validatePayload('CheckInRecorded', changed('CheckInRecorded', without('personId')))).toEqual([
      { field: 'personId', problems: ['personId is required'] },
    ]);
    expect(validatePayload('CheckInRecorded', changed('CheckInRecorded', without('checkedOutAt')))).toEqual([
      { field: 'checkedOutAt', problems: ['checkedOutAt must be present, null allowed'] },
    ]);
  });

  it('reports every bad field of one payload together', () => {
    const plain = changed(
      'CaseConfirmed',
      both(without('personId'), set('testType', 'ANTIBODY'), set('confirmedAt', '22/11/2021'), set('areaCode', 7)),
    );
    expect(
      validatePayload('CaseConfirmed', plain)
        .map((f) => f.field)
        .sort(),
    ).toEqual(['areaCode', 'confirmedAt', 'personId', 'testType']);
  });

  it('rejects a payload that is not an object', () => {
    expect(validatePayload('CaseClosed', [SAMPLE_PAYLOADS.CaseClosed])).toEqual([
      { field: '(value)', problems: ['payload must be a JSON object'] },
    ]);
    expect(validatePayload('CaseClosed', null).map((f) => f.field)).toEqual(['(value)']);
  });
});

describe('createEvent', () => {
  it('fills id, time, correlation and causation, and computes topic and key from the registry', () => {
    const before = Date.now();
    const e = createEvent('ContactDeclared', SAMPLE_PAYLOADS.ContactDeclared, { source: '/cases' });
    expect(e.meta.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Date.parse(e.meta.time)).toBeGreaterThanOrEqual(before - 1);
    expect(e.meta).toMatchObject({
      type: 'ContactDeclared',
      source: '/cases',
      correlationId: e.meta.id,
      causationId: null,
    });
    expect(e.topic).toBe('cases.v1');
    // Keyed by the case's person, not the declared contact: it must follow its CaseConfirmed.
    expect(e.key).toBe('p-f0');
  });

  it('keeps the given id, time and correlation', () => {
    const e = createEvent('CaseClosed', SAMPLE_PAYLOADS.CaseClosed, {
      source: '/cases',
      id: 'e-9',
      time: '2021-12-05T09:00:00Z',
      correlationId: 'c-1',
      causationId: 'e-8',
    });
    expect(e.meta).toEqual({
      id: 'e-9',
      type: 'CaseClosed',
      source: '/cases',
      time: '2021-12-05T09:00:00Z',
      correlationId: 'c-1',
      causationId: 'e-8',
    });
  });

  it('throws ContractViolation naming the bad fields instead of producing an invalid event', () => {
    const bad = {
      ...SAMPLE_PAYLOADS.QuarantineEnded,
      reason: 'DONE',
      personId: '',
    } as unknown as typeof SAMPLE_PAYLOADS.QuarantineEnded;
    let thrown: unknown;
    try {
      createEvent('QuarantineEnded', bad, { source: '/quarantine' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ContractViolation);
    expect((thrown as ContractViolation).fields.map((f) => f.field).sort()).toEqual(['personId', 'reason']);
    expect((thrown as ContractViolation).message).toMatch(/personId.*reason|reason.*personId/);
  });

  it('throws on bad metadata', () => {
    expect(() => createEvent('CaseClosed', SAMPLE_PAYLOADS.CaseClosed, { source: '' })).toThrow('(meta).source');
    expect(() =>
      createEvent('CaseClosed', SAMPLE_PAYLOADS.CaseClosed, { source: '/cases', time: '2021-12-05 09:00' }),
    ).toThrow('(meta).time');
  });
});
