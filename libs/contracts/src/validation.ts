import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  isISO8601,
  IsNumber,
  IsObject,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';

/**
 * Presence of a field:
 * - required (default): present and non-null;
 * - nullable: present, `null` allowed. The core nullable fields: a producer that leaves one out
 *   has a bug, and consumers can test `=== null`;
 * - optional: absent and `null` both mean "not known". For fields beyond the core set, which
 *   producers may not send yet (e.g. sourceTestId); consumers read them with `?? null`.
 */
export type Presence = { nullable?: true; optional?: true };

/** parse.ts shows only this message when it fails, so a missing field gets one clear problem. */
export const IS_DEFINED = 'isDefined';

function presence(p: Presence = {}): PropertyDecorator {
  if (p.optional) return (target, key) => ValidateIf((o) => o[key] != null)(target, key);
  if (p.nullable) {
    return (target, key) => {
      ValidateIf((o) => o[key] !== null)(target, key);
      IsDefined({ message: '$property must be present, null allowed' })(target, key);
    };
  }
  return IsDefined({ message: '$property is required' });
}

function all(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((d) => d(target, key));
}

// RFC 3339 profile of ISO-8601: extended format, seconds, timezone designator. isISO8601 alone also
// accepts week dates, ordinal dates, basic format and local times, which `new Date()` and other
// consumers' parsers read differently or not at all.
// The UTC offset is at most ±14:00 (the real range, Kiribati to Baker Island): PostgreSQL refuses
// larger ones, and a timestamp other consumers cannot store is not valid anywhere. One rule for
// HTTP bodies, query strings and events.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/**
 * Earliest year of a timestamp or date. PostgreSQL has no year 0 (and reads years before 1 AD
 * only with a BC suffix); nothing this service records happened before 1900.
 */
export const MIN_YEAR = 1900;
/** Largest UTC offset of a timestamp, in minutes. */
export const MAX_UTC_OFFSET_MINUTES = 14 * 60;

export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  if (m[2] !== undefined && (+m[3] > 59 || +m[2] * 60 + +m[3] > MAX_UTC_OFFSET_MINUTES)) return false;
  // Date.parse must read it (the same instant every consumer computes).
  return +value.slice(0, 4) >= MIN_YEAR && isISO8601(value, { strict: true }) && !Number.isNaN(Date.parse(value));
}

/**
 * C0 control characters and DEL. NUL cannot be stored in PostgreSQL text at all; the others have
 * no place in an id, a name or a code. Free text may allow tab and line breaks.
 */
const CONTROL = /[\u0000-\u001F\u007F]/;
const CONTROL_IN_FREE_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function hasControlCharacters(value: string, opts: { freeText?: boolean } = {}): boolean {
  return (opts.freeText ? CONTROL_IN_FREE_TEXT : CONTROL).test(value);
}

/** A string without control characters (free text: tab, CR and LF allowed). */
export function NoControlCharacters(opts: { freeText?: boolean } = {}): PropertyDecorator {
  return ValidateBy({
    name: 'noControlCharacters',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !hasControlCharacters(value, opts),
      defaultMessage: (a) =>
        `${a?.property} must not contain control characters${opts.freeText ? ' (other than tab and line breaks)' : ''}`,
    },
  });
}

export function isCalendarDate(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    DATE.test(value) &&
    +value.slice(0, 4) >= MIN_YEAR &&
    isISO8601(value, { strict: true })
  );
}

export function IsTimestamp(): PropertyDecorator {
  return ValidateBy({
    name: 'isTimestamp',
    validator: {
      validate: isTimestamp,
      defaultMessage: (a) =>
        `${a?.property} must be an ISO-8601 timestamp with a timezone within ±14:00, from year ${MIN_YEAR} (e.g. 2021-11-20T08:00:00Z)`,
    },
  });
}

export function IsCalendarDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: isCalendarDate,
      defaultMessage: (a) => `${a?.property} must be a date YYYY-MM-DD from year ${MIN_YEAR}`,
    },
  });
}

/** An id from a feed or another system: opaque, only bounded. */
export const Id = (p?: Presence) => all(presence(p), IsString(), Length(1, 128), NoControlCharacters());
/** An id this system generates (crypto.randomUUID). */
export const Uuid = (p?: Presence) => all(presence(p), IsUUID('all', { message: '$property must be a UUID' }));
export const Text = (max: number, p?: Presence) => all(presence(p), IsString(), Length(1, max), NoControlCharacters());
export const Timestamp = (p?: Presence) => all(presence(p), IsTimestamp());
export const CalendarDate = (p?: Presence) => all(presence(p), IsCalendarDate());
export const OneOf = (values: readonly unknown[], p?: Presence) => all(presence(p), IsIn(values as unknown[]));
export const Int = (min: number, max: number, p?: Presence) => all(presence(p), IsInt(), Min(min), Max(max));
export const Bool = (p?: Presence) => all(presence(p), IsBoolean());
export const NonNegative = () => all(presence(), IsNumber({ allowNaN: false, allowInfinity: false }), Min(0));
/** A finite number in [min, max] (a measurement such as a temperature). */
export const Decimal = (min: number, max: number, p?: Presence) =>
  all(presence(p), IsNumber({ allowNaN: false, allowInfinity: false }), Min(min), Max(max));
/** A list of distinct values, each one of `values` (e.g. symptoms); empty allowed. */
export const SetOf = (values: readonly unknown[], maxItems = values.length) =>
  all(
    presence(),
    IsArray(),
    ValidateBy({
      name: 'isSetOf',
      constraints: [values],
      validator: {
        validate: (v: unknown) =>
          Array.isArray(v) &&
          v.length <= maxItems &&
          new Set(v).size === v.length &&
          v.every((x) => values.includes(x)),
        defaultMessage: (a) => `${a?.property} must be distinct values of: ${values.join(', ')}`,
      },
    }),
  );
/** A list of ids (each like `Id`: 1 to 128 characters, no control characters); empty allowed. */
export const IdList = (maxItems: number) =>
  all(
    presence(),
    IsArray(),
    ValidateBy({
      name: 'isIdList',
      constraints: [maxItems],
      validator: {
        validate: (v: unknown) =>
          Array.isArray(v) &&
          v.length <= maxItems &&
          v.every((x) => typeof x === 'string' && x.length >= 1 && x.length <= 128 && !hasControlCharacters(x)),
        defaultMessage: (a) =>
          `${a?.property} must be at most ${maxItems} ids of 1 to 128 characters without control characters`,
      },
    }),
  );
export const IntList = (min: number, max: number) =>
  all(presence(), IsArray(), IsInt({ each: true }), Min(min, { each: true }), Max(max, { each: true }));
// IsObject because ValidateNested alone accepts an array of valid objects.
export const Nested = (cls: () => new () => object) => all(presence(), IsObject(), ValidateNested(), Type(cls));

/**
 * Cross-field ordering, reported on the decorated (later) field. Checked only when both values are
 * valid timestamps; a malformed one is already reported by its own validator.
 */
export function NotBefore(other: string, opts: { strictlyAfter?: boolean } = {}): PropertyDecorator {
  const word = opts.strictlyAfter ? 'after' : 'at or after';
  return ValidateBy({
    name: opts.strictlyAfter ? 'isAfter' : 'isNotBefore',
    constraints: [other],
    validator: {
      validate(value: unknown, args?: ValidationArguments) {
        const before = (args?.object as Record<string, unknown>)[other];
        if (!isTimestamp(value) || !isTimestamp(before)) return true;
        const diff = Date.parse(value) - Date.parse(before);
        return opts.strictlyAfter ? diff > 0 : diff >= 0;
      },
      defaultMessage: (a) => `${a?.property} must be ${word} ${other}`,
    },
  });
}

export function DiffersFrom(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'differsFrom',
    constraints: [other],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        value !== (args?.object as Record<string, unknown>)[other],
      defaultMessage: (a) => `${a?.property} must differ from ${other}`,
    },
  });
}

/** On an enum field: these values need `field` to be non-null (a nullable field's own rules skip null). */
export function Needs(field: string, values: readonly unknown[]): PropertyDecorator {
  return ValidateBy({
    name: 'needs',
    constraints: [field, values],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        !values.includes(value) || (args?.object as Record<string, unknown>)[field] != null,
      defaultMessage: (a) => `${a?.property} ${String(a?.value)} needs a ${field}`,
    },
  });
}
