/**
 * A small RFC 4180 reader for checkpoint uploads: comma-separated, fields optionally in double
 * quotes (a quote doubled inside), CRLF or LF line ends, a header line naming the columns.
 * Returns each data line with its 1-based line number; blank lines are skipped.
 */
export function parseCsv(text: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const end = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      end();
      start = ++line;
    } else cell += c;
  }
  if (cell !== '' || cells.length) end();
  const [head, ...rows] = records;
  return { header: (head?.cells ?? []).map((h) => h.trim()), rows };
}

/** The columns of an arrivals upload; personId or the person columns (fullName, areaCode …) per line. */
export const ARRIVAL_COLUMNS = [
  'personId',
  'fullName',
  'phone',
  'nationalId',
  'dateOfBirth',
  'areaCode',
  'originAreaCode',
  'destinationAreaCode',
  'arrivedAt',
  'checkpoint',
] as const;

const PERSON_COLUMNS = ['fullName', 'phone', 'nationalId', 'dateOfBirth', 'areaCode'] as const;

/**
 * One line as a POST /arrivals body: empty cells are absent; a line without personId registers a
 * new person whose area defaults to the destination.
 */
export function arrivalBody(header: string[], cells: string[]): Record<string, unknown> {
  const v = (k: string) => {
    const i = header.indexOf(k);
    const s = i < 0 ? '' : (cells[i] ?? '').trim();
    return s === '' ? undefined : s;
  };
  const body: Record<string, unknown> = {
    originAreaCode: v('originAreaCode'),
    destinationAreaCode: v('destinationAreaCode'),
    arrivedAt: v('arrivedAt'),
    checkpoint: v('checkpoint'),
  };
  if (v('personId') !== undefined) body.personId = v('personId');
  else {
    const person: Record<string, unknown> = {};
    for (const k of PERSON_COLUMNS) if (v(k) !== undefined) person[k] = v(k);
    person.areaCode ??= body.destinationAreaCode;
    body.person = person;
  }
  return body;
}
