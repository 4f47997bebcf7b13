import { CheckInRecorded, ContractViolation, createEvent, EventEnvelope, FieldError } from '@ct/contracts';
import { derivedCheckInId } from '../../apps/checkin-gateway/src/checkins/domain/intake';

/** The CSV a feed replays: this header, ISO-8601 times, check-out optional. */
export const CSV_HEADER = ['person_id', 'venue_id', 'checked_in_at', 'checked_out_at'] as const;

export interface CsvRow {
  personId: string;
  venueId: string;
  checkedInAt: string;
  checkedOutAt: string | null;
}

/** Splits one CSV line (RFC 4180 quoting: "a ""b""" → a "b"); null when a quote is unbalanced. */
export function splitCsvLine(line: string): string[] | null {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) return null;
  out.push(cur);
  return out;
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function formatCsvRow(r: CsvRow): string {
  return [r.personId, r.venueId, r.checkedInAt, r.checkedOutAt ?? ''].map(csvField).join(',');
}

/** Problems with the header line, or null when it is the expected one. */
export function checkHeader(line: string): string | null {
  const cols = splitCsvLine(line.replace(/^\uFEFF/, '').trim())?.map((c) => c.trim().toLowerCase());
  if (!cols || cols.join(',') !== CSV_HEADER.join(','))
    return `header must be "${CSV_HEADER.join(',')}", got "${line.trim()}"`;
  return null;
}

export type LineResult =
  { ok: true; event: EventEnvelope<'CheckInRecorded'> } | { ok: false; reason: string } | { ok: 'blank' };

/**
 * One data line → a CheckInRecorded event, or why not. The checkInId is derived from the stay
 * (person, venue, check-in time): replaying the file again, or a later file that adds the
 * check-out, never makes a second stay.
 */
export function lineToEvent(line: string, source: string): LineResult {
  const trimmed = line.replace(/\r$/, '');
  if (trimmed.trim() === '') return { ok: 'blank' };
  const cols = splitCsvLine(trimmed);
  if (!cols) return { ok: false, reason: 'unbalanced quote' };
  if (cols.length !== CSV_HEADER.length)
    return { ok: false, reason: `expected ${CSV_HEADER.length} fields, got ${cols.length}` };
  const [personId, venueId, checkedInAt, out] = cols.map((c) => c.trim());
  const payload: CheckInRecorded = {
    checkInId:
      personId && venueId && !Number.isNaN(Date.parse(checkedInAt))
        ? derivedCheckInId(personId, venueId, checkedInAt)
        : '',
    personId,
    venueId,
    checkedInAt,
    checkedOutAt: out === '' ? null : out,
    source,
  };
  try {
    return { ok: true, event: createEvent('CheckInRecorded', payload, { source: '/feed-cli' }) };
  } catch (err) {
    if (!(err instanceof ContractViolation)) throw err;
    const names: Record<string, string> = {
      personId: 'person_id',
      venueId: 'venue_id',
      checkedInAt: 'checked_in_at',
      checkedOutAt: 'checked_out_at',
    };
    const fields = err.fields.filter((f: FieldError) => f.field !== 'checkInId');
    return {
      ok: false,
      reason: fields.map((f) => `${names[f.field] ?? f.field}: ${f.problems.join('; ')}`).join(' | ') || err.message,
    };
  }
}
