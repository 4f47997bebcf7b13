import { parseLabCsv } from './csv';
import { FHIR, parseLabBundle } from './fhir';
import { decideMatch } from './match';

const ctx = { now: new Date('2021-11-25T00:00:00Z'), skewMs: 300_000 };
const HEADER = 'lab_result_id,person_id,national_id,phone,test_type,result,sample_taken_at';

describe('lab results: CSV', () => {
  it('reads good lines, names bad lines and fields without their values, skips blank lines and a BOM', () => {
    const csv = [
      `\ufeff${HEADER}`,
      'L-1,p-1,,,PCR,POSITIVE,2021-11-20T08:00:00+07:00',
      '',
      'L-2,,079201001234,,94558-4,negative,2021-11-20T08:00:00Z',
      'L-3,,,0905 123 456,94500-6,POSITIVE,yesterday',
      'L-4,,,12,PCR,MAYBE,2021-11-20T08:00:00Z',
      'L-5,,,,PCR,POSITIVE,2021-11-20T08:00:00Z',
      '"L-6","p-6",,,"PCR",POSITIVE,2021-12-20T08:00:00Z',
      'L-1,p-9,,,PCR,NEGATIVE,2021-11-20T08:00:00Z',
      'L-8,p-8',
    ].join('\r\n');
    const r = parseLabCsv(csv, ctx);
    if (!r.ok) throw new Error('header refused');
    expect(r.upload.results.map((x) => [x.at, x.value.labResultId, x.value.testType, x.value.result])).toEqual([
      [2, 'L-1', 'PCR', 'POSITIVE'],
      [4, 'L-2', 'RAPID_ANTIGEN', 'NEGATIVE'],
    ]);
    expect(r.upload.results[0].value.sampleTakenAt).toBe('2021-11-20T01:00:00.000Z');
    expect(r.upload.results[1].value.nationalId).toBe('079201001234');
    const rejected = Object.fromEntries(r.upload.rejected.map((x) => [x.at, x.fields.map((f) => f.field)]));
    expect(rejected).toEqual({
      5: ['sample_taken_at'],
      6: ['phone', 'result'],
      7: ['person_id'],
      8: ['sample_taken_at'],
      9: ['lab_result_id'],
      10: ['line'],
    });
    expect(JSON.stringify(r.upload.rejected)).not.toMatch(/0905|123 456|\b12\b/);
  });

  it('refuses a file whose header lacks a required column or has an unknown one', () => {
    const r = parseLabCsv('lab_result_id,phone,tpye,result\nL-1,0905123456,PCR,POSITIVE\n', ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0].field).toBe('header');
    expect(r.problems[0].problems.join(' ')).toMatch(
      /unknown columns tpye.*|missing columns test_type, sample_taken_at/,
    );
  });
});

const bundle = (entries: object[]) => ({ resourceType: 'Bundle', type: 'collection', entry: entries });
const patient = (id: string, extra: object) => ({
  fullUrl: `urn:uuid:${id}`,
  resource: { resourceType: 'Patient', ...extra },
});
const observation = (id: string, loinc: string, snomed: string | null, at = '2021-11-20T08:00:00+07:00') => ({
  fullUrl: `urn:uuid:${id}`,
  resource: {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: FHIR.LOINC, code: loinc }] },
    ...(snomed ? { valueCodeableConcept: { coding: [{ system: FHIR.SNOMED, code: snomed }] } } : {}),
    effectiveDateTime: at,
  },
});
const report = (labId: string, subject: string, obs: string[]) => ({
  resource: {
    resourceType: 'DiagnosticReport',
    status: 'final',
    identifier: [{ system: 'urn:lab:x', value: labId }],
    subject: { reference: `urn:uuid:${subject}` },
    result: obs.map((o) => ({ reference: `urn:uuid:${o}` })),
  },
});

describe('lab results: FHIR R4 bundle', () => {
  it('reads a DiagnosticReport with its Observation and Patient, and names each bad entry and field', () => {
    const b = bundle([
      patient('pat-1', {
        identifier: [{ type: { coding: [{ system: FHIR.IDENTIFIER_TYPE, code: 'NI' }] }, value: '079 201 001 234' }],
        telecom: [{ system: 'phone', value: '+84 905 123 456' }],
        name: [{ family: 'Nguyễn', given: ['Văn', 'An'] }],
        birthDate: '1980-01-02',
      }),
      observation('obs-1', '94500-6', '10828004'),
      report('LAB-1', 'pat-1', ['obs-1']),
      observation('obs-2', '1234-5', '10828004'),
      report('LAB-2', 'pat-1', ['obs-2']),
      observation('obs-3', '94558-4', null),
      report('LAB-3', 'pat-1', ['obs-3']),
      observation('obs-4', '94558-4', '260385009'),
      { resource: { resourceType: 'Specimen' } },
    ]);
    const r = parseLabBundle(b, ctx);
    if (!r.ok) throw new Error('bundle refused');
    expect(r.upload.results).toEqual([
      {
        at: 2,
        value: {
          labResultId: 'LAB-1',
          personId: null,
          nationalId: '079201001234',
          phone: '+84905123456',
          fullName: 'Nguyễn Văn An',
          dateOfBirth: '1980-01-02',
          testType: 'PCR',
          result: 'POSITIVE',
          sampleTakenAt: '2021-11-20T01:00:00.000Z',
          purpose: 'UNSCHEDULED',
        },
      },
    ]);
    expect(r.upload.rejected.map((x) => [x.at, x.fields.map((f) => f.field)])).toEqual([
      [4, ['entry[4].resource.result']],
      [6, ['entry[6].resource.result(Observation).valueCodeableConcept']],
      [7, ['entry[7].resource.id']],
      [8, ['entry[8].resource.resourceType']],
    ]);
  });

  it('refuses what is not a Bundle', () => {
    expect(parseLabBundle({ resourceType: 'Observation' }, ctx)).toEqual({
      ok: false,
      problems: [{ field: 'resourceType', problems: ['resourceType must be Bundle'] }],
    });
  });
});

describe('lab results: matching', () => {
  it('one person found by every key that finds somebody matches; nobody or two persons wait for review', () => {
    expect(decideMatch({ byPersonId: 'a', byPhone: 'a' })).toEqual({ kind: 'MATCHED', personId: 'a' });
    expect(decideMatch({ byNationalId: 'b' })).toEqual({ kind: 'MATCHED', personId: 'b' });
    expect(decideMatch({})).toEqual({ kind: 'QUEUED', reason: 'NO_MATCH' });
    expect(decideMatch({ byNationalId: 'a', byPhone: 'b' })).toEqual({ kind: 'QUEUED', reason: 'AMBIGUOUS' });
  });
});
