import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { FieldError } from './contract-violation';
import { EVENT_TYPES, EventDefinition, EventPayloads, EventType } from './registry';
import { IS_DEFINED } from './validation';

export function definition(type: EventType): EventDefinition<object> {
  return EVENT_TYPES[type] as unknown as EventDefinition<object>;
}

export function isJsonObject(v: unknown): v is Record<string, unknown> {
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
export function check<K extends EventType>(
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
