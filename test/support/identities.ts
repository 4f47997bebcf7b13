import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The identity data tests send to the API (names, phone numbers, ID numbers, addresses), kept per
 * run so that global teardown can grep every service log of the whole run for it: whatever path
 * a value took (a failing query, an error message, a consumer), it must not be in a log.
 */
const FIELDS = ['fullName', 'phone', 'nationalId', 'address', 'email'] as const;

export function identitiesFile(logDir: string): string {
  return join(logDir, 'identities.jsonl');
}

/** The forms a value may take once stored or logged: as sent, and normalized. */
function forms(field: string, value: string): string[] {
  const v = value.trim();
  if (field === 'phone') {
    const digits = v.replace(/\D/g, '').replace(/^(84|0)/, '');
    return digits.length >= 8 ? [digits] : [];
  }
  if (field === 'nationalId') {
    const id = v.replace(/\s/g, '');
    return id.length >= 8 ? [id] : [];
  }
  // Short or generic strings ("someone") would match unrelated log text.
  return v.length >= 10 ? [v] : [];
}

/** Records the identity values in a request body (walked to any depth). */
export function recordIdentities(logDir: string, body: unknown): void {
  const found: string[] = [];
  const stack = [body];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if ((FIELDS as readonly string[]).includes(k) && typeof child === 'string') found.push(...forms(k, child));
        else stack.push(child);
      }
    }
  }
  if (found.length === 0) return;
  const file = identitiesFile(logDir);
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, found.map((f) => `${JSON.stringify(f)}\n`).join(''));
}

/** Every recorded value found in a log of `logDir`: "file: value" (empty when clean). */
export function identityLeaks(logDir: string): { values: number; logs: number; leaks: string[] } {
  const file = identitiesFile(logDir);
  if (!existsSync(file)) return { values: 0, logs: 0, leaks: [] };
  const values = [
    ...new Set(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string),
    ),
  ];
  const logs = readdirSync(logDir).filter((f) => f.endsWith('.log'));
  const leaks: string[] = [];
  for (const log of logs) {
    const text = readFileSync(join(logDir, log), 'utf8');
    for (const v of values) if (text.includes(v)) leaks.push(`${log}: ${v.slice(0, 3)}… (${v.length} chars)`);
  }
  return { values: values.length, logs: logs.length, leaks };
}
