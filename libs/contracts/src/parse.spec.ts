import { CloudEventHeaders } from './headers';
import { parse, RawMessage } from './parse';
import { isEvent } from './registry';
import { sampleMessage, samplePlain, SAMPLE_PAYLOADS } from './testing/samples';

function withHeaders(raw: RawMessage, change: Record<string, string | undefined>): RawMessage {
  const headers = { ...raw.headers };
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete headers[k];
    else headers[k] = Buffer.from(v);
  }
  return { ...raw, headers };
}

function failure(raw: RawMessage) {
  const result = parse(raw);
  if (result.ok) throw new Error(`expected a contract violation, got a ${result.event.meta.type}`);
  return {
    reason: result.error.reason,
    fields: result.error.fields.map((f) => f.field).sort(),
    message: result.error.message,
  };
}

describe('parse: the message around the payload', () => {
  const good = sampleMessage('CaseConfirmed');

  it('accepts a well-formed message and reads the CloudEvents headers into meta', () => {
    const result = parse(withHeaders(good, { [CloudEventHeaders.CAUSATION_ID]: 'e-0' }));
    if (!result.ok) throw result.error;
    expect(result.event).toEqual({
      topic: 'cases.v1',
      key: 'p-f0',
      meta: {
        id: 'e-1',
        type: 'CaseConfirmed',
        source: '/test',
        time: '2021-11-22T10:00:00Z',
        correlationId: 'e-0',
        causationId: 'e-0',
      },
      payload: SAMPLE_PAYLOADS.CaseConfirmed,
    });
  });

  it('narrows the event to its type with isEvent', () => {
    const result = parse(good);
    if (!result.ok) throw result.error;
    const e = result.event;
    // Compiles only because isEvent narrows the payload type.
    const caseId: string = isEvent(e, 'CaseConfirmed') ? e.payload.caseId : '';
    expect(caseId).toBe(SAMPLE_PAYLOADS.CaseConfirmed.caseId);
    expect(isEvent(e, 'CaseClosed')).toBe(false);
  });

  it('starts a new chain when a feed sets no correlation or causation id', () => {
    const result = parse(withHeaders(good, { [CloudEventHeaders.CORRELATION_ID]: undefined }));
    if (!result.ok) throw result.error;
    expect(result.event.meta).toMatchObject({ correlationId: 'e-1', causationId: null });
  });

  it('accepts string headers, repeated headers (last wins), upper-case names, a charset and no content-type', () => {
    const headers = Object.fromEntries(Object.entries(good.headers!).map(([k, v]) => [k, String(v)])) as Record<
      string,
      string | string[]
    >;
    headers[CloudEventHeaders.TYPE] = ['CaseClosed', 'CaseConfirmed'];
    delete headers['content-type'];
    expect(parse({ ...good, key: 'p-f0', value: JSON.stringify(SAMPLE_PAYLOADS.CaseConfirmed), headers }).ok).toBe(
      true,
    );
    expect(
      parse(withHeaders(good, { 'content-type': undefined, 'Content-Type': 'application/json; charset=utf-8' })).ok,
    ).toBe(true);
  });

  it('rejects malformed JSON', () => {
    expect(failure({ ...good, value: Buffer.from('{"caseId": ') })).toMatchObject({
      reason: 'value is not valid JSON',
      fields: ['(value)'],
    });
  });

  it.each([
    ['null', 'null'],
    ['an array', JSON.stringify([SAMPLE_PAYLOADS.CaseConfirmed])],
    ['a number', '42'],
    ['a string', '"CaseConfirmed"'],
  ])('rejects a value that is %s', (_what, value) => {
    expect(failure({ ...good, value })).toMatchObject({ reason: 'value is not a JSON object', fields: ['(value)'] });
  });

  it('rejects a message without value (tombstone)', () => {
    expect(failure({ ...good, value: null })).toMatchObject({ reason: 'value is missing', fields: ['(value)'] });
  });

  it('rejects a message without ce_type', () => {
    expect(failure(withHeaders(good, { ce_type: undefined }))).toMatchObject({
      reason: 'invalid headers',
      fields: ['(headers).ce_type'],
    });
  });

  it('rejects a message without any headers', () => {
    expect(failure({ ...good, headers: undefined }).fields).toEqual([
      '(headers).ce_id',
      '(headers).ce_source',
      '(headers).ce_specversion',
      '(headers).ce_time',
      '(headers).ce_type',
    ]);
  });

  it('rejects an unknown ce_type', () => {
    expect(failure(withHeaders(good, { ce_type: 'CaseReopened' }))).toMatchObject({
      reason: 'unknown event type CaseReopened for topic cases.v1',
      fields: ['(headers).ce_type'],
    });
  });

  it('rejects a known type on the wrong topic', () => {
    expect(failure({ ...good, topic: 'contacts.v1' })).toMatchObject({
      reason: 'unknown event type CaseConfirmed for topic contacts.v1',
      fields: ['(headers).ce_type'],
    });
    expect(failure({ ...good, topic: 'cases.v2' }).reason).toBe('unknown event type CaseConfirmed for topic cases.v2');
  });

  it('does not take an inherited property name for an event type', () => {
    expect(failure(withHeaders(good, { ce_type: 'toString' })).reason).toBe(
      'unknown event type toString for topic cases.v1',
    );
  });

  it.each([
    [CloudEventHeaders.SPECVERSION, '0.3'],
    [CloudEventHeaders.ID, ''],
    [CloudEventHeaders.SOURCE, ' '],
    [CloudEventHeaders.TIME, '2021-11-22 10:00'],
    [CloudEventHeaders.CONTENT_TYPE, 'application/avro'],
    [CloudEventHeaders.CORRELATION_ID, ''],
  ])('rejects a bad %s header (%j)', (name, value) => {
    expect(failure(withHeaders(good, { [name]: value }))).toMatchObject({
      reason: 'invalid headers',
      fields: [`(headers).${name}`],
    });
  });

  it('rejects a key that is not the registry key of the payload', () => {
    expect(failure({ ...good, key: Buffer.from('p-someone-else') })).toMatchObject({
      reason: 'key mismatch',
      fields: ['(key)'],
    });
    expect(failure({ ...good, key: null }).message).toContain('key is missing, expected "p-f0"');
  });

  it('checks the key of ContactDeclared against the F0, not the declared contact', () => {
    const raw = sampleMessage('ContactDeclared');
    expect(parse(raw).ok).toBe(true);
    expect(failure({ ...raw, key: SAMPLE_PAYLOADS.ContactDeclared.personId }).fields).toEqual(['(key)']);
  });

  it('reports every problem of a message in one error', () => {
    const payload: Record<string, unknown> = { ...samplePlain('ContactIdentified'), degree: 3, identifiedAt: 'later' };
    (payload.exposure as Record<string, unknown>).kind = 'NEARBY';
    const raw = withHeaders(
      { ...sampleMessage('ContactIdentified', payload), key: 'p-wrong' },
      { ce_time: 'noon', ce_source: undefined },
    );

    const error = failure(raw);
    expect(error.fields).toEqual([
      '(headers).ce_source',
      '(headers).ce_time',
      '(key)',
      'degree',
      'exposure.kind',
      'identifiedAt',
    ]);
    expect(error.reason).toBe('invalid headers; invalid ContactIdentified payload; key mismatch');
    for (const field of error.fields) expect(error.message).toContain(field);
  });

  it('never throws, whatever arrives', () => {
    const junk: RawMessage[] = [
      { topic: '', value: null },
      { topic: 'cases.v1', value: Buffer.from([0xff, 0xfe, 0x00]), headers: { ce_type: [] } },
      { topic: 'cases.v1', value: '{}', headers: { ce_type: undefined } },
      { ...good, value: '{"a":' + '['.repeat(100000) + ']'.repeat(100000) + '}' },
      { ...good, value: '{"exposure":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}' },
    ];
    for (const raw of junk) expect(parse(raw).ok).toBe(false);
  });

  it('is not open to prototype pollution through the payload', () => {
    const value = `{"__proto__": {"polluted": true}, ${JSON.stringify(SAMPLE_PAYLOADS.CaseConfirmed).slice(1)}`;
    const result = parse({ ...good, value });
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (result.ok) expect((result.event.payload as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parse: the one timestamp rule and no control characters, for events as for HTTP', () => {
  const good = sampleMessage('CaseConfirmed');
  const withPayload = (change: Record<string, unknown>): RawMessage => ({
    ...good,
    value: Buffer.from(JSON.stringify({ ...SAMPLE_PAYLOADS.CaseConfirmed, ...change })),
  });

  it.each([
    ['a NUL in an id', { personId: 'p-f0\u0000' }, 'personId'],
    ['an escape sequence in a code', { areaCode: '49\u001b[2J' }, 'areaCode'],
    ['a UTC offset of +16:30', { confirmedAt: '2021-11-22T10:00:00+16:30' }, 'confirmedAt'],
    ['a week date', { confirmedAt: '2021-W47-1T10:00:00Z' }, 'confirmedAt'],
    ['year 0', { confirmedAt: '0000-01-01T00:00:00Z' }, 'confirmedAt'],
  ])('%s is a contract violation naming the field', (_what, change, field) => {
    expect(failure(withPayload(change)).fields).toContain(field);
  });

  it('a ce_time beyond ±14:00 is a header violation', () => {
    expect(failure(withHeaders(good, { [CloudEventHeaders.TIME]: '2021-11-22T10:00:00-15:00' })).fields).toContain(
      '(headers).ce_time',
    );
  });
});
