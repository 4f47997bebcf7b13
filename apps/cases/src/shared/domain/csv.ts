import { parse } from 'csv-parse/sync';
import { FieldProblem } from './problems';

export interface CsvRow {
  /** Line number in the file of the row's first line (the header is line 1). */
  line: number;
  /** Column → value, for the columns of the header; empty cells are ''. */
  values: Record<string, string>;
  /** Set when the line cannot be read as a row (wrong number of cells). */
  problem?: string;
}

/**
 * Reads a CSV text (RFC 4180: commas, double quotes, CRLF or LF; a UTF-8 BOM skipped) with a header
 * line. The header must name only `known` columns and every `required` one (else `ok: false` with
 * the header's problems); blank lines are skipped. Problems never repeat a cell's value.
 */
export function readCsv(
  text: string,
  known: string[],
  required: string[],
): { ok: true; rows: CsvRow[] } | { ok: false; problems: FieldProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: false,
      trim: false,
    }) as unknown as typeof records;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    const code = (err as { code?: string }).code ?? 'CSV_INVALID';
    return {
      ok: false,
      problems: [{ field: 'file', problems: [`not readable as CSV (${code}) near line ${line ?? '?'}`] }],
    };
  }
  if (records.length === 0) return { ok: false, problems: [{ field: 'header', problems: ['the file is empty'] }] };
  const header = records[0].record.map((h) => h.trim().toLowerCase());
  const problems: string[] = [];
  const unknown = header.filter((h) => !known.includes(h));
  if (unknown.length) problems.push(`unknown columns ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const missing = required.filter((r) => !header.includes(r));
  if (missing.length) problems.push(`missing columns ${missing.join(', ')}`);
  const repeated = header.filter((h, i) => header.indexOf(h) !== i);
  if (repeated.length) problems.push(`repeated columns ${[...new Set(repeated)].join(', ')}`);
  if (problems.length) return { ok: false, problems: [{ field: 'header', problems }] };
  const rows: CsvRow[] = [];
  let previousEnd = records[0].info.lines;
  for (const { record, info } of records.slice(1)) {
    const line = previousEnd + 1;
    previousEnd = info.lines;
    if (record.length === 1 && record[0].trim() === '') continue; // a blank line
    if (record.length !== header.length) {
      rows.push({ line, values: {}, problem: `${record.length} cells where the header has ${header.length}` });
      continue;
    }
    rows.push({ line, values: Object.fromEntries(header.map((h, i) => [h, record[i]])) });
  }
  return { ok: true, rows };
}
