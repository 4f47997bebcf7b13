import { ContractViolation, problem, RawMessage, text } from './contract-violation';
import { checkHeaders } from './header-check';
import { CloudEventHeaders as H, readHeaders } from './headers';
import { check, definition, isJsonObject } from './payload-check';
import { AnyEvent, EventMeta, EventPayloads, EventType } from './registry';
import { TopicName } from './topics';

export { ContractViolation, type FieldError, type RawMessage } from './contract-violation';
export { validatePayload } from './payload-check';
export { createEvent, type CreateEventOptions } from './create-event';

export type ParseResult = { ok: true; event: AnyEvent } | { ok: false; error: ContractViolation };

/**
 * The one way a consumer reads a message: headers, JSON value, payload contract and key, all checked,
 * every problem reported at once. Never throws; what fails is for the dead-letter topic.
 *
 * Absent `ce_correlationid` means the event starts its chain (correlationId = its id); absent
 * `ce_causationid` means null. Feeds that produce to Kafka directly need not set either.
 */
export function parse(raw: RawMessage): ParseResult {
  const h = readHeaders(raw.headers);
  const { type, reasons, fields } = checkHeaders(h, raw.topic);

  let plain: unknown;
  let readable = false;
  const value = text(raw.value);
  if (value === null) {
    reasons.push('value is missing');
    fields.push(problem('(value)', 'value is null'));
  } else {
    try {
      plain = JSON.parse(value);
      readable = true;
    } catch (err) {
      reasons.push('value is not valid JSON');
      fields.push(problem('(value)', (err as Error).message));
    }
    if (readable && !isJsonObject(plain)) {
      readable = false;
      reasons.push('value is not a JSON object');
      fields.push(
        problem(
          '(value)',
          `value must be a JSON object, got ${Array.isArray(plain) ? 'an array' : String(plain === null ? null : typeof plain)}`,
        ),
      );
    }
  }

  let payload: EventPayloads[EventType] | null = null;
  const key = text(raw.key);
  if (type !== null && readable) {
    let checked: ReturnType<typeof check>;
    try {
      checked = check(type, plain);
    } catch (err) {
      // Only pathological input gets here (e.g. nesting deep enough to exhaust the stack).
      checked = {
        payload: null,
        fields: [problem('(value)', `payload could not be validated: ${(err as Error).message}`)],
      };
    }
    if (checked.fields.length > 0) {
      reasons.push(`invalid ${type} payload`);
      fields.push(...checked.fields);
    } else {
      payload = checked.payload;
    }
    const expected = checked.payload ? definition(type).key(checked.payload) : undefined;
    if (typeof expected === 'string' && expected !== '' && key !== expected) {
      reasons.push('key mismatch');
      fields.push(
        problem(
          '(key)',
          key === null ? `key is missing, expected "${expected}"` : `key "${key}" must be "${expected}"`,
        ),
      );
    }
  }

  if (fields.length > 0 || type === null || payload === null || key === null) {
    return { ok: false, error: new ContractViolation(reasons.join('; ') || 'invalid message', fields) };
  }
  const meta: EventMeta = {
    id: h[H.ID],
    type,
    source: h[H.SOURCE],
    time: h[H.TIME],
    correlationId: h[H.CORRELATION_ID] ?? h[H.ID],
    causationId: h[H.CAUSATION_ID] ?? null,
  };
  return { ok: true, event: { topic: raw.topic as TopicName, key, meta, payload } as AnyEvent };
}
