import { DomainError, Principal } from '@ct/platform';
import { FieldProblem } from '../../shared/domain/problems';
import { LineProblem } from '../infrastructure/import-job-store';

/** Codes that mean "already there" rather than "wrong": counted as duplicates. */
const DUPLICATE_CODES = ['PERSON.DUPLICATE', 'PERSON.EXISTS', 'CASE.ALREADY_OPEN'];

/** CSV column of each API field, so a problem names the column the department wrote. */
const COLUMN: Record<string, string> = {
  personId: 'person_id',
  fullName: 'full_name',
  nationalId: 'national_id',
  dateOfBirth: 'date_of_birth',
  areaCode: 'area_code',
  'vaccination.lastDoseAt': 'last_dose_at',
  recoveredAt: 'recovered_at',
  confirmedAt: 'confirmed_at',
  symptomOnsetAt: 'symptom_onset_at',
  sampleTakenAt: 'sample_taken_at',
  testType: 'test_type',
};

/** A refused line as the import reports it: never a value, the existing person's id when disclosed. */
export function lineProblem(line: number, err: unknown): LineProblem {
  // Two writers racing past the duplicate check meet the unique indexes (SQLSTATE 23505).
  if ((err as { code?: string }).code === '23505')
    return {
      line,
      kind: 'DUPLICATE',
      fields: [{ field: 'line', problems: ['already registered (written meanwhile)'] }],
    };
  const sqlState = (err as { code?: unknown }).code;
  if (typeof sqlState === 'string' && sqlState.startsWith('22'))
    return {
      line,
      kind: 'INVALID',
      fields: [{ field: 'line', problems: [`a value PostgreSQL refuses (SQLSTATE ${sqlState})`] }],
    };
  if (!(err instanceof DomainError)) throw err;
  const listed = (err.details.details as FieldProblem[] | undefined) ?? [];
  const fields: FieldProblem[] = listed.length
    ? listed.map((f) => ({ field: COLUMN[f.field] ?? f.field, problems: f.problems }))
    : [
        {
          field: Array.isArray(err.details.fields)
            ? (err.details.fields as string[]).map((f) => COLUMN[f] ?? f).join(',')
            : 'line',
          problems: [`${err.code}: ${err.message}`],
        },
      ];
  const existing = err.details.existingPersonId;
  return {
    line,
    kind: DUPLICATE_CODES.includes(err.code) ? 'DUPLICATE' : 'INVALID',
    fields,
    ...(typeof existing === 'string' ? { existingPersonId: existing } : {}),
  };
}

export type Importer<R> = (who: Principal, row: R, dryRun: boolean) => Promise<void>;
