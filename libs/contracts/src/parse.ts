import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { randomUUID } from 'node:crypto';
import {
  CLOUDEVENTS_SPEC_VERSION,
  CloudEventHeaders as H,
  JSON_CONTENT_TYPE,
  RawHeaders,
  readHeaders,
} from './headers';
import {
  AnyEvent,
  EVENT_TYPES,
  EventDefinition,
  EventEnvelope,
  EventMeta,
  EventPayloads,
  EventType,
  isEventType,
} from './registry';
import { TopicName } from './topics';
import { IS_DEFINED, isTimestamp } from './validation';
import { certainTimestamp } from './events/checkins.v1';

export interface RawMessage {
  topic: string;
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: RawHeaders;
}

export interface FieldError {
  /** Dotted path into the payload ('exposure.startedAt'), or '(headers).ce_type', '(key)', '(value)', '(meta).source'. */
  field: string;
  problems: string[];
}

/** A message or event that breaks its contract. Never worth retrying: dead-letter it, or fix the producer. */
export class ContractViolation extends Error {
  constructor(
    readonly reason: string,
    readonly fields: FieldError[],
  ) {
    super(
      fields.length === 0
        ? reason
        : `${reason}: ${fields.map((f) => `${f.field}: ${f.problems.join('; ')}`).join(' | ')}`,
    );
    this.name = 'ContractViolation';
  }
}

export type ParseResult = { ok: true; event: AnyEvent } | { ok: false; error: ContractViolation };

function definition(type: EventType): EventDefinition<object> {
  return EVENT_TYPES[type] as unknown as EventDefinition<object>;
}

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix + e.property;
    const c = e.constraints ?? {};
    // A missing field fails every rule of that field; its "is required" is the only useful one.
    const problems = c[IS_DEFINED] ? [c[IS_DEFINED]] : Object.values(c);
    const own = problems.length > 0 ? [{ field, problems }] : [];
    return [...own, ...flatten(e.children ?? [], `${field}.`)];
  });
}

/**
 * Validates a payload and returns it as an instance of its class. Fields the contract does not
 * define are removed (whitelist): a consumer sees exactly the version it was compiled against,
 * while producers stay free to add fields.
 */
function check<K extends EventType>(
  type: K,
  plain: unknown,
): { payload: EventPayloads[K] | null; fields: FieldError[] } {
  if (!isJsonObject(plain))
    return { payload: null, fields: [{ field: '(value)', problems: ['payload must be a JSON object'] }] };
  const certain = definition(type).certain?.(plain);
  if (certain) return { payload: certain as EventPayloads[K], fields: [] };
  const payload = plainToInstance(definition(type).payload, plain) as EventPayloads[K];
  const errors = validateSync(payload, { whitelist: true, forbidNonWhitelisted: false });
  return { payload, fields: flatten(errors) };
}

/** The payload's problems, empty when valid; for HTTP intake that accepts an event's payload as is. */
export function validatePayload(type: EventType, plain: unknown): FieldError[] {
  return check(type, plain).fields;
}

function text(v: Buffer | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return Buffer.isBuffer(v) ? v.toString('utf8') : v;
}

function problem(field: string, message: string): FieldError {
  return { field, problems: [message] };
}

function checkHeaders(
  h: Record<string, string>,
  topic: string,
): { type: EventType | null; reasons: string[]; fields: FieldError[] } {
  const fields: FieldError[] = [];
  const reasons: string[] = [];
  const bad = (name: string, message: string) => fields.push(problem(`(headers).${name}`, `${name} ${message}`));
  const required = (name: string) => {
    if (h[name] === undefined) bad(name, 'is required');
    else if (h[name].trim() === '') bad(name, 'must not be empty');
  };

  if (h[H.SPECVERSION] === undefined) bad(H.SPECVERSION, 'is required');
  else if (h[H.SPECVERSION] !== CLOUDEVENTS_SPEC_VERSION) bad(H.SPECVERSION, `must be ${CLOUDEVENTS_SPEC_VERSION}`);
  required(H.ID);
  required(H.SOURCE);
  if (h[H.TIME] === undefined) bad(H.TIME, 'is required');
  else if (!isTimestamp(h[H.TIME])) bad(H.TIME, 'must be an ISO-8601 timestamp with a timezone');
  const contentType = h[H.CONTENT_TYPE];
  if (contentType !== undefined && contentType.split(';')[0].trim().toLowerCase() !== JSON_CONTENT_TYPE) {
    bad(H.CONTENT_TYPE, `must be ${JSON_CONTENT_TYPE}`);
  }
  for (const name of [H.CORRELATION_ID, H.CAUSATION_ID]) {
    if (h[name] !== undefined && h[name].trim() === '') bad(name, 'must not be empty when present');
  }
  if (fields.length > 0) reasons.push('invalid headers');

  const typeName = h[H.TYPE];
  let type: EventType | null = null;
  if (typeName === undefined) {
    bad(H.TYPE, 'is required');
    if (reasons.length === 0) reasons.push('invalid headers');
  } else if (!isEventType(typeName) || EVENT_TYPES[typeName].topic !== topic) {
    bad(H.TYPE, `${typeName} is not an event type of ${topic}`);
    reasons.push(`unknown event type ${typeName} for topic ${topic}`);
  } else {
    type = typeName;
  }
  return { type, reasons, fields };
}

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

export interface CreateEventOptions {
  /** The producing service, e.g. '/cases'. */
  source: string;
  /** The triggering event's correlationId; omitted, the event starts a new chain. */
  correlationId?: string;
  /** The triggering event's id. */
  causationId?: string | null;
  id?: string;
  time?: string;
}

/**
 * Builds an event for the outbox: id, time, topic and key filled in, payload validated. Throws
 * ContractViolation when the payload breaks the contract: a producer bug must not reach the topic.
 * The returned payload holds only the contract's fields.
 */
export function createEvent<K extends EventType>(
  type: K,
  payload: EventPayloads[K],
  opts: CreateEventOptions,
): EventEnvelope<K> {
  const checked = check(type, payload);
  const id = opts.id ?? randomUUID();
  const time = opts.time ?? new Date().toISOString();
  const fields = [...checked.fields];
  const nonEmpty = (name: string, v: string | null | undefined) => {
    if (v !== undefined && v !== null && (typeof v !== 'string' || v.trim() === ''))
      fields.push(problem(`(meta).${name}`, `${name} must be a non-empty string`));
  };
  nonEmpty('source', opts.source ?? '');
  nonEmpty('id', id);
  nonEmpty('correlationId', opts.correlationId);
  nonEmpty('causationId', opts.causationId);
  if (Number.isNaN(certainTimestamp(time)) && !isTimestamp(time))
    fields.push(problem('(meta).time', 'time must be an ISO-8601 timestamp with a timezone'));
  if (fields.length > 0 || checked.payload === null) throw new ContractViolation(`invalid ${type} event`, fields);

  const def = definition(type);
  return {
    topic: def.topic,
    key: def.key(checked.payload),
    meta: {
      id,
      type,
      source: opts.source,
      time,
      correlationId: opts.correlationId ?? id,
      causationId: opts.causationId ?? null,
    },
    payload: checked.payload,
  };
}
