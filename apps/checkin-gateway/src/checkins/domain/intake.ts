import { createHash } from 'node:crypto';

/** Pure rules of the HTTP intake: reading the body, and the defaults a feed may leave out. */
export const MAX_ITEMS = 10_000;

export type ParsedBody =
  | {
      ok: true;
      items: unknown[];
      /** NDJSON lines that are not JSON, by item index. */ unreadable: Map<number, string>;
    }
  | { ok: false; status: 400 | 413; message: string };

const NDJSON = 'application/x-ndjson';

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * A JSON array, or NDJSON (one JSON object per line; blank lines ignored). In NDJSON an unreadable
 * line is one bad item, not a bad request: the others still go through.
 */
export function parseBody(contentType: string | undefined, body: string): ParsedBody {
  const type = mediaType(contentType);
  if (type === NDJSON) {
    const lines = body
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (lines.length > MAX_ITEMS) return tooMany(lines.length);
    const items: unknown[] = [];
    const unreadable = new Map<number, string>();
    lines.forEach((line, i) => {
      try {
        items.push(JSON.parse(line));
      } catch (err) {
        items.push(undefined);
        unreadable.set(i, `line ${i + 1} is not valid JSON: ${(err as Error).message}`);
      }
    });
    return { ok: true, items, unreadable };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return {
      ok: false,
      status: 400,
      message: `body is not valid JSON (${(err as Error).message}); send a JSON array of check-ins, or NDJSON with Content-Type ${NDJSON}`,
    };
  }
  if (!Array.isArray(parsed)) {
    return {
      ok: false,
      status: 400,
      message: `body must be a JSON array of check-ins, got ${parsed === null ? 'null' : typeof parsed}`,
    };
  }
  if (parsed.length > MAX_ITEMS) return tooMany(parsed.length);
  return { ok: true, items: parsed, unreadable: new Map() };
}

function tooMany(n: number): ParsedBody {
  return {
    ok: false,
    status: 413,
    message: `${n} check-ins in one request; at most ${MAX_ITEMS} are accepted, split the batch`,
  };
}

/**
 * The id of a check-in whose feed did not give one: derived from the stay itself (person, venue,
 * check-in time), so a retried request, or the same stay sent again with its check-out, gets the
 * same id and never makes a second stay.
 */
export function derivedCheckInId(personId: string, venueId: string, checkedInAt: string): string {
  const h = createHash('sha256')
    .update(`${personId}\u0000${venueId}\u0000${Date.parse(checkedInAt)}`)
    .digest('hex');
  return `h-${h.slice(0, 32)}`;
}

/** The item with the defaults filled in: checkInId (derived), checkedOutAt (null), source (the feed's identity). */
export function withDefaults(item: unknown, feed: string): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const o = { ...(item as Record<string, unknown>) };
  if (o.checkedOutAt === undefined) o.checkedOutAt = null;
  if (o.source === undefined || o.source === null) o.source = feed;
  if (
    (o.checkInId === undefined || o.checkInId === null) &&
    typeof o.personId === 'string' &&
    typeof o.venueId === 'string' &&
    typeof o.checkedInAt === 'string' &&
    !Number.isNaN(Date.parse(o.checkedInAt))
  ) {
    o.checkInId = derivedCheckInId(o.personId, o.venueId, o.checkedInAt);
  }
  return o;
}
