import { LabResultPurpose } from '@ct/contracts';
import { FieldProblem } from '../../shared/domain/problems';
import { readCsv } from '../../shared/domain/csv';
import { ParsedUpload, RawLabResult, rejectRepeats, validateLabResult } from './lab-result';

/** The CSV columns of POST /lab-results (README "Lab results"), and the field each one fills. */
export const LAB_CSV_COLUMNS: Readonly<Record<string, keyof RawLabResult>> = {
  lab_result_id: 'labResultId',
  person_id: 'personId',
  national_id: 'nationalId',
  phone: 'phone',
  full_name: 'fullName',
  date_of_birth: 'dateOfBirth',
  test_type: 'testType',
  result: 'result',
  sample_taken_at: 'sampleTakenAt',
  purpose: 'purpose',
};
const REQUIRED = ['lab_result_id', 'test_type', 'result', 'sample_taken_at'];
const COLUMN_OF = Object.fromEntries(Object.entries(LAB_CSV_COLUMNS).map(([c, f]) => [f, c])) as Record<
  keyof RawLabResult,
  string
>;

/**
 * A CSV file of lab results: UTF-8 (a BOM is skipped), a header line naming the columns above in any
 * order, one result per line. A header problem rejects the file (`header` problems); a bad line is
 * rejected alone, named by its line number (the header is line 1).
 */
export function parseLabCsv(
  text: string,
  ctx: { now: Date; skewMs: number; purpose?: LabResultPurpose },
): { ok: true; upload: ParsedUpload } | { ok: false; problems: FieldProblem[] } {
  const table = readCsv(text, Object.keys(LAB_CSV_COLUMNS), REQUIRED);
  if (!table.ok) return table;
  const upload: ParsedUpload = { format: 'CSV', unit: 'line', results: [], rejected: [] };
  for (const row of table.rows) {
    if (row.problem) {
      upload.rejected.push({ at: row.line, fields: [{ field: 'line', problems: [row.problem] }] });
      continue;
    }
    const raw: RawLabResult = {};
    for (const [column, value] of Object.entries(row.values)) raw[LAB_CSV_COLUMNS[column]] = value;
    const checked = validateLabResult(raw, ctx, (f) => COLUMN_OF[f]);
    if (checked.ok) upload.results.push({ at: row.line, value: checked.value });
    else upload.rejected.push({ at: row.line, fields: checked.problems });
  }
  return { ok: true, upload: rejectRepeats(upload, 'lab_result_id') };
}
