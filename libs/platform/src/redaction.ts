/**
 * What a log line may say about a failing query or an error: never a parameter value, never a
 * personal field. PostgreSQL quotes offending values in its messages ('invalid input syntax for
 * type uuid: "…"') and in details ('Key (phone)=(+84…) already exists'); both are cut out.
 */

/** Fields holding personal data wherever they appear in a log object (pino paths). */
export const PERSONAL_FIELDS = [
  'fullName',
  'phone',
  'phoneNumber',
  'nationalId',
  'dateOfBirth',
  'address',
  'email',
] as const;

export const REDACT_PATHS = [
  ...PERSONAL_FIELDS,
  ...PERSONAL_FIELDS.map((f) => `*.${f}`),
  ...PERSONAL_FIELDS.map((f) => `*.*.${f}`),
  'parameters',
  '*.parameters',
  'body',
  '*.body',
  'req.headers.authorization',
  'headers.authorization',
];

/** A database or driver message with the values it quotes replaced. */
export function redactMessage(message: string): string {
  return message
    .replace(/(: |= ?)"(?:[^"\\]|\\.)*"/g, '$1"[redacted]"')
    .replace(/\)=\((?:[^()]|\([^()]*\))*\)/g, ')=([redacted])')
    .replace(/(: )'(?:[^'\\]|\\.)*'/g, "$1'[redacted]'");
}

/** Query text only: values are bound parameters ($1…), and long batches are cut. */
export function redactQuery(query: string | undefined): string | undefined {
  if (query === undefined) return undefined;
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return oneLine.length > 500 ? `${oneLine.slice(0, 500)}…` : oneLine;
}

interface DbErrorLike {
  name?: string;
  message?: string;
  stack?: string;
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  query?: string;
  driverError?: unknown;
  cause?: unknown;
}

/**
 * The pino serializer for `err`: type, message and stack with quoted values cut out, and the
 * PostgreSQL error fields that carry names (code, constraint, table, column), never `parameters`,
 * `detail`, `where` or other own properties of the error that may hold values.
 */
export function safeError(err: unknown): unknown {
  if (!(err instanceof Error) && (typeof err !== 'object' || err === null)) return err;
  const e = err as DbErrorLike;
  const driver = (e.driverError ?? {}) as DbErrorLike;
  const message = redactMessage(String(e.message ?? ''));
  const out: Record<string, unknown> = { type: e.name ?? 'Error', message };
  if (e.stack) out.stack = redactMessage(e.stack);
  for (const k of ['code', 'constraint', 'table', 'column', 'schema'] as const) {
    const v = e[k] ?? driver[k];
    if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  }
  if (typeof e.query === 'string') out.query = redactQuery(e.query);
  if (e.cause !== undefined && e.cause !== err) out.cause = safeError(e.cause);
  return out;
}
