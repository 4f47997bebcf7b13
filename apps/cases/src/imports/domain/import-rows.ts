import { CASE_ORIGINS, CaseOrigin, isCalendarDate, isTimestamp, TEST_TYPES, TestType } from '@ct/contracts';
import { PersonFields, PERSON_LANGUAGES, PersonLanguage } from '../../persons/domain/person';
import { readCsv } from '../../shared/domain/csv';
import { FieldProblem } from '../../shared/domain/problems';

export type ImportKind = 'persons' | 'cases';

/** Columns of POST /imports/persons (README "Imports"). */
export const PERSON_COLUMNS = [
  'person_id',
  'full_name',
  'phone',
  'national_id',
  'date_of_birth',
  'address',
  'area_code',
  'vaccine_doses',
  'last_dose_at',
  'recovered_at',
  'email',
  'language',
];
/** Columns of POST /imports/cases: the person by person_id, national_id or phone (registered). */
export const CASE_COLUMNS = [
  'person_id',
  'national_id',
  'phone',
  'confirmed_at',
  'symptom_onset_at',
  'sample_taken_at',
  'test_type',
  'origin',
  'area_code',
];
export const REQUIRED: Record<ImportKind, string[]> = {
  persons: ['full_name', 'area_code'],
  cases: ['confirmed_at', 'test_type'],
};

export interface CaseRow {
  personId: string | null;
  nationalId: string | null;
  phone: string | null;
  confirmedAt: string;
  symptomOnsetAt: string | null;
  sampleTakenAt: string | null;
  testType: TestType;
  origin: CaseOrigin;
  areaCode: string | null;
}

export type ImportRow<K extends ImportKind> = K extends 'persons' ? PersonFields & { personId?: string } : CaseRow;

const PERSON_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** One persons line: the fields POST /persons takes (its own rules are applied when registering). */
export function personRow(v: Record<string, string>): { row?: ImportRow<'persons'>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const bad = (field: string, problem: string) => problems.push({ field, problems: [problem] });
  const personId = blank(v.person_id);
  if (personId && !PERSON_ID.test(personId)) bad('person_id', 'person_id must be 1 to 128 letters, digits or . _ : -');
  const dob = blank(v.date_of_birth);
  if (dob && (!DATE.test(dob) || !isCalendarDate(dob))) bad('date_of_birth', 'date_of_birth must be a date YYYY-MM-DD');
  const doses = blank(v.vaccine_doses);
  if (doses && !/^(10|[0-9])$/.test(doses)) bad('vaccine_doses', 'vaccine_doses must be a whole number from 0 to 10');
  const lastDose = blank(v.last_dose_at);
  if (lastDose && !isTimestamp(lastDose)) bad('last_dose_at', 'last_dose_at must be an ISO-8601 timestamp with a zone');
  const recovered = blank(v.recovered_at);
  if (recovered && !isTimestamp(recovered))
    bad('recovered_at', 'recovered_at must be an ISO-8601 timestamp with a zone');
  const language = blank(v.language);
  if (language && !(PERSON_LANGUAGES as readonly string[]).includes(language))
    bad('language', `language must be one of ${PERSON_LANGUAGES.join(', ')}`);
  if ((blank(v.full_name)?.length ?? 0) > 200) bad('full_name', 'full_name must be at most 200 characters');
  if ((blank(v.address)?.length ?? 0) > 500) bad('address', 'address must be at most 500 characters');
  if (problems.length) return { problems };
  return {
    problems,
    row: {
      ...(personId ? { personId } : {}),
      fullName: v.full_name ?? '',
      phone: blank(v.phone) ?? null,
      nationalId: blank(v.national_id) ?? null,
      dateOfBirth: dob ?? null,
      address: blank(v.address) ?? null,
      areaCode: blank(v.area_code) ?? '',
      ...(doses ? { vaccination: { doses: Number(doses), lastDoseAt: lastDose ?? null } } : {}),
      recoveredAt: recovered ?? null,
      email: blank(v.email) ?? null,
      language: (language as PersonLanguage | undefined) ?? null,
    },
  };
}

/** One cases line; whether the person exists and may get a case is decided when importing. */
export function caseRow(v: Record<string, string>): { row?: CaseRow; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const bad = (field: string, problem: string) => problems.push({ field, problems: [problem] });
  const personId = blank(v.person_id) ?? null;
  if (personId && !PERSON_ID.test(personId)) bad('person_id', 'person_id must be 1 to 128 letters, digits or . _ : -');
  if (!personId && !blank(v.national_id) && !blank(v.phone))
    bad('person_id', 'give person_id, national_id or phone of a registered person');
  const ts = (field: string, required: boolean) => {
    const t = blank(v[field]);
    if (t === undefined) {
      if (required) bad(field, `${field} is required`);
      return null;
    }
    if (!isTimestamp(t))
      bad(field, `${field} must be an ISO-8601 timestamp with a zone (e.g. 2021-11-20T08:00:00+07:00)`);
    return t;
  };
  const confirmedAt = ts('confirmed_at', true);
  const symptomOnsetAt = ts('symptom_onset_at', false);
  const sampleTakenAt = ts('sample_taken_at', false);
  const testType = blank(v.test_type)?.toUpperCase();
  if (!testType || !(TEST_TYPES as readonly string[]).includes(testType))
    bad('test_type', `test_type must be one of ${TEST_TYPES.join(', ')}`);
  const origin = blank(v.origin)?.toUpperCase() ?? 'INVESTIGATION';
  if (!(CASE_ORIGINS as readonly string[]).includes(origin))
    bad('origin', `origin must be one of ${CASE_ORIGINS.join(', ')}`);
  if (problems.length) return { problems };
  return {
    problems,
    row: {
      personId,
      nationalId: blank(v.national_id) ?? null,
      phone: blank(v.phone) ?? null,
      confirmedAt: confirmedAt!,
      symptomOnsetAt,
      sampleTakenAt,
      testType: testType as TestType,
      origin: origin as CaseOrigin,
      areaCode: blank(v.area_code) ?? null,
    },
  };
}

export interface ParsedImport<K extends ImportKind> {
  rows: { line: number; row: ImportRow<K> }[];
  problems: { line: number; fields: FieldProblem[] }[];
}

/** The file's lines read and checked field by field; a header problem rejects the file. */
export function parseImport<K extends ImportKind>(
  kind: K,
  text: string,
): { ok: true; parsed: ParsedImport<K> } | { ok: false; problems: FieldProblem[] } {
  const table = readCsv(text, kind === 'persons' ? PERSON_COLUMNS : CASE_COLUMNS, REQUIRED[kind]);
  if (!table.ok) return table;
  const parsed: ParsedImport<K> = { rows: [], problems: [] };
  for (const line of table.rows) {
    if (line.problem) {
      parsed.problems.push({ line: line.line, fields: [{ field: 'line', problems: [line.problem] }] });
      continue;
    }
    const r = kind === 'persons' ? personRow(line.values) : caseRow(line.values);
    if (r.row) parsed.rows.push({ line: line.line, row: r.row as ImportRow<K> });
    else parsed.problems.push({ line: line.line, fields: r.problems });
  }
  return { ok: true, parsed };
}
