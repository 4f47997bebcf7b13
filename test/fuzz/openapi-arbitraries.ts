import fc from 'fast-check';

/** What the fuzzer reads of an OpenAPI 3 document (the merged one the edge serves at /docs-json). */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Route {
  method: string;
  template: string;
  op: Operation;
}

export function routesOf(doc: OpenApi): Route[] {
  return Object.entries(doc.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([m, op]) => ({ method: m.toUpperCase(), template, op })),
  );
}

function resolve(doc: OpenApi, s: Schema | undefined, depth = 0): Schema {
  if (!s || depth > 8) return {};
  if (s.$ref) return resolve(doc, doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')], depth + 1);
  if (s.allOf)
    return s.allOf.reduce<Schema>((acc, part) => {
      const r = resolve(doc, part, depth + 1);
      return {
        ...acc,
        ...r,
        properties: { ...acc.properties, ...r.properties },
        required: [...(acc.required ?? []), ...(r.required ?? [])],
      };
    }, {});
  return s;
}

/** Values that broke services before, or that commonly do: NUL and controls, out-of-range zones, week dates, huge numbers. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  'line\nbreak',
  '\uFFFF',
  '\uD800',
  '😀'.repeat(40),
  'x'.repeat(5000),
  '2021-11-20T08:00:00+16:30',
  '2021-11-20T08:00:00-14:01',
  '2021-11-20T08:00:00+14:00',
  '2021-W46-6',
  '2021-324',
  '20211120T080000Z',
  '2021-02-30T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '2021-11-20',
  '2021-11-20T08:00:00',
  '1e308',
  '-1e308',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  '99999999999999999999999',
  '-1',
  '0',
  '1.5',
  'true',
  'null',
  '[]',
  '{}',
  "' OR 1=1 --",
  '../../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  '<script>',
  '$where',
  '__proto__',
  'constructor',
];

export const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS,
  null,
  true,
  false,
  0,
  -1,
  1e308,
  -1e308,
  2 ** 53 + 1,
  1.5,
  [],
  [null],
  {},
  { a: 1 },
  { __proto__: { x: 1 } },
  ['a', 'b'],
];

const hostile = fc.constantFrom(...HOSTILE_VALUES);
const hostileString = fc.constantFrom(...HOSTILE_STRINGS);

/** A plausible value for a field, guessed from its schema, example and name. */
function plausible(doc: OpenApi, raw: Schema | undefined, name: string, depth: number): fc.Arbitrary<unknown> {
  const s = resolve(doc, raw);
  if (s.enum && s.enum.length > 0) return fc.constantFrom(...s.enum);
  if (s.properties && depth < 4) return plausibleObject(doc, s, depth + 1);
  if (s.type === 'array') return fc.array(plausible(doc, s.items, name, depth + 1), { maxLength: 3 });
  if (s.type === 'boolean') return fc.boolean();
  if (s.type === 'number' || s.type === 'integer') {
    const min = s.minimum ?? 0;
    const max = s.maximum ?? Math.max(min + 100, 100);
    return fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, 2 ** 31)) });
  }
  const example = s.example !== undefined ? [fc.constant(s.example)] : [];
  if (/At$|^(from|to|until|endsBefore|due)$/.test(name))
    return fc.oneof(
      ...example,
      fc
        .date({ min: new Date('2021-01-01'), max: new Date('2022-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString()),
    );
  if (/date|Date|week/.test(name)) return fc.oneof(...example, fc.constantFrom('2021-11-20', '1980-05-01', '2021-W46'));
  if (/area|code/i.test(name)) return fc.oneof(...example, fc.constantFrom('49', '20290', '01'));
  if (/phone/i.test(name)) return fc.constantFrom('0905123456', '+84905123456');
  if (/[iI]d$|^id$/.test(name)) return fc.oneof(fc.uuid(), fc.stringMatching(/^[a-z0-9-]{1,20}$/));
  return fc.oneof(...example, fc.string({ minLength: 1, maxLength: 30 }));
}

function plausibleObject(doc: OpenApi, s: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(s.properties ?? {});
  const required = new Set(s.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of props) record[k] = plausible(doc, v, k, depth);
  return fc.record(record, { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
}

/** A body: plausible; plausible with one field hostile, dropped or added; or anything at all. */
export function bodyArb(doc: OpenApi, raw: Schema | undefined): fc.Arbitrary<unknown> {
  const s = resolve(doc, raw);
  const valid = plausible(doc, s, '', 0);
  const names = Object.keys(resolve(doc, s.type === 'array' ? s.items : s).properties ?? {});
  const mutateOne = (obj: unknown, field: string, value: unknown, drop: boolean): unknown => {
    const apply = (o: unknown) => {
      if (typeof o !== 'object' || o === null || Array.isArray(o)) return o;
      const copy: Record<string, unknown> = { ...(o as Record<string, unknown>) };
      if (drop) delete copy[field];
      else copy[field] = value;
      return copy;
    };
    return Array.isArray(obj) ? obj.map(apply) : apply(obj);
  };
  const oneField =
    names.length === 0
      ? valid
      : fc
          .tuple(valid, fc.constantFrom(...names, '__proto__', 'unknownField'), hostile, fc.boolean())
          .map(([o, f, v, drop]) => mutateOne(o, f, v, drop));
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 6, arbitrary: oneField },
    { weight: 2, arbitrary: hostile },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

/** A value for a path or query parameter, as a string before encoding. */
export function paramArb(doc: OpenApi, p: Parameter): fc.Arbitrary<string> {
  const good = plausible(doc, p.schema, p.name, 0).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return fc.oneof(
    { weight: 3, arbitrary: good },
    { weight: 4, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}
