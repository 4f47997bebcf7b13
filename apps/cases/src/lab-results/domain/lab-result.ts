import { isTimestamp, LAB_RESULT_PURPOSES, LabResultPurpose, TEST_RESULTS, TestResult, TestType } from '@ct/contracts';
import { normalizeNationalId, normalizePhone } from '../../persons/domain/identity';
import { FieldProblem, isInFuture, Problems } from '../../shared/domain/problems';

/** SARS-CoV-2 LOINC codes accepted, and the test type each is recorded as. */
export const SARS_COV_2_LOINC: Readonly<Record<string, TestType>> = {
  '94500-6': 'PCR', // RNA [Presence] in Respiratory specimen by NAA with probe detection
  '94309-2': 'PCR', // RNA [Presence] in Specimen by NAA with probe detection
  '94534-5': 'PCR', // RdRp gene [Presence] in Respiratory specimen by NAA with probe detection
  '94565-9': 'PCR', // RNA [Presence] in Nasopharynx by NAA with non-probe detection
  '94759-8': 'PCR', // RNA [Presence] in Nasopharynx by NAA with probe detection
  '94845-5': 'PCR', // RNA [Presence] in Saliva (oral fluid) by NAA with probe detection
  '94558-4': 'RAPID_ANTIGEN', // Ag [Presence] in Respiratory specimen by Rapid immunoassay
  '95209-3': 'RAPID_ANTIGEN', // Ag [Presence] in Respiratory specimen by Rapid immunoassay (nasal)
  '97097-0': 'RAPID_ANTIGEN', // Ag [Presence] in Upper respiratory specimen by Rapid immunoassay
};

/** One result as read from a file, before validation: every value is what the lab sent (or absent). */
export interface RawLabResult {
  labResultId?: string;
  personId?: string;
  nationalId?: string;
  phone?: string;
  fullName?: string;
  dateOfBirth?: string;
  testType?: string;
  result?: string;
  sampleTakenAt?: string;
  purpose?: string;
}

/** A result ready to match: identity keys normalized, codes resolved. */
export interface LabResult {
  labResultId: string;
  personId: string | null;
  nationalId: string | null;
  phone: string | null;
  fullName: string | null;
  dateOfBirth: string | null;
  testType: TestType;
  result: TestResult;
  sampleTakenAt: string;
  purpose: LabResultPurpose;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const PERSON_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A test type as PCR / RAPID_ANTIGEN or one of the SARS-CoV-2 LOINC codes above. */
export function testTypeOf(raw: string): TestType | null {
  const v = raw.trim().toUpperCase();
  if (v === 'PCR' || v === 'RAPID_ANTIGEN') return v;
  return SARS_COV_2_LOINC[raw.trim()] ?? null;
}

/**
 * Checks one result; `name(field)` says how the file calls the field (a CSV column, a FHIR path), so
 * a problem names the field as the lab wrote it. Problems never repeat a value (it may be a phone or
 * an ID number).
 */
export function validateLabResult(
  raw: RawLabResult,
  ctx: { now: Date; skewMs: number; purpose?: LabResultPurpose },
  name: (field: keyof RawLabResult) => string,
): { ok: true; value: LabResult } | { ok: false; problems: FieldProblem[] } {
  const p = new Problems();
  const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());
  const labResultId = text(raw.labResultId);
  if (!labResultId) p.add(name('labResultId'), `${name('labResultId')} is required`);
  else if (!ID.test(labResultId))
    p.add(name('labResultId'), `${name('labResultId')} must be 1 to 128 letters, digits or . _ : / -`);
  const personId = text(raw.personId);
  if (personId && !PERSON_ID.test(personId))
    p.add(name('personId'), `${name('personId')} must be 1 to 128 letters, digits or . _ : -`);
  const rawNid = text(raw.nationalId);
  const nationalId = rawNid ? normalizeNationalId(rawNid) : null;
  if (rawNid && !nationalId) p.add(name('nationalId'), `${name('nationalId')} must be 6 to 20 letters or digits`);
  const rawPhone = text(raw.phone);
  const phone = rawPhone ? normalizePhone(rawPhone) : null;
  if (rawPhone && !phone) p.add(name('phone'), `${name('phone')} is not a recognizable phone number`);
  if (!personId && !rawNid && !rawPhone)
    p.add(name('personId'), `give ${name('personId')}, ${name('nationalId')} or ${name('phone')} to match the person`);
  const fullName = text(raw.fullName);
  if (fullName && (fullName.length > 200 || CONTROL.test(fullName)))
    p.add(name('fullName'), `${name('fullName')} must be at most 200 characters without control characters`);
  const dateOfBirth = text(raw.dateOfBirth);
  if (dateOfBirth && (!/^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth) || Number.isNaN(Date.parse(`${dateOfBirth}T00:00:00Z`))))
    p.add(name('dateOfBirth'), `${name('dateOfBirth')} must be a date YYYY-MM-DD`);
  const rawType = text(raw.testType);
  const testType = rawType ? testTypeOf(rawType) : null;
  if (!testType)
    p.add(
      name('testType'),
      `${name('testType')} must be PCR, RAPID_ANTIGEN or a SARS-CoV-2 LOINC code (${Object.keys(SARS_COV_2_LOINC).join(', ')})`,
    );
  const result = text(raw.result)?.toUpperCase() ?? null;
  if (!result || !(TEST_RESULTS as readonly string[]).includes(result))
    p.add(name('result'), `${name('result')} must be one of ${TEST_RESULTS.join(', ')}`);
  const sampleTakenAt = text(raw.sampleTakenAt);
  if (!sampleTakenAt || !isTimestamp(sampleTakenAt))
    p.add(
      name('sampleTakenAt'),
      `${name('sampleTakenAt')} must be an ISO-8601 timestamp with a timezone (e.g. 2021-11-20T08:00:00+07:00)`,
    );
  else if (isInFuture(sampleTakenAt, ctx.now, ctx.skewMs))
    p.add(name('sampleTakenAt'), `${name('sampleTakenAt')} must not be in the future`);
  const purpose = text(raw.purpose)?.toUpperCase() ?? ctx.purpose ?? 'UNSCHEDULED';
  if (!(LAB_RESULT_PURPOSES as readonly string[]).includes(purpose))
    p.add(name('purpose'), `${name('purpose')} must be one of ${LAB_RESULT_PURPOSES.join(', ')}`);
  if (!p.empty) return { ok: false, problems: p.list() };
  return {
    ok: true,
    value: {
      labResultId: labResultId!,
      personId,
      nationalId,
      phone,
      fullName,
      dateOfBirth,
      testType: testType!,
      result: result as TestResult,
      sampleTakenAt: new Date(sampleTakenAt!).toISOString(),
      purpose: purpose as LabResultPurpose,
    },
  };
}

/** Where a result sits in its file: a CSV line (1 = the header) or a FHIR bundle entry (0-based). */
export type Unit = 'line' | 'entry';

/** The results of a file: those to match, and the rejected ones with what is wrong (never a value). */
export interface ParsedUpload {
  format: 'CSV' | 'FHIR';
  unit: Unit;
  results: { at: number; value: LabResult }[];
  rejected: { at: number; fields: FieldProblem[] }[];
}

/** A lab result id given twice in one file: the first is kept, the next ones are rejected. */
export function rejectRepeats(upload: ParsedUpload, field: string): ParsedUpload {
  const first = new Map<string, number>();
  const results: ParsedUpload['results'] = [];
  const rejected = [...upload.rejected];
  for (const r of upload.results) {
    const seen = first.get(r.value.labResultId);
    if (seen === undefined) {
      first.set(r.value.labResultId, r.at);
      results.push(r);
    } else
      rejected.push({
        at: r.at,
        fields: [{ field, problems: [`${field} repeats the one at ${upload.unit} ${seen}`] }],
      });
  }
  return { ...upload, results, rejected: rejected.sort((a, b) => a.at - b.at) };
}
