import { ALL_EVENT_TYPES, ALL_TOPICS, CloudEventHeaders, dlqTopic, EVENT_TYPES, eventTypesOf } from '@ct/contracts';
import { SAMPLE_PAYLOADS } from '@ct/contracts/testing/samples';
import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * docs/asyncapi.yaml against libs/contracts: every topic and .dlq, every event type on its topic,
 * its key, the CloudEvents headers, and every payload property with its presence, format and
 * allowed values as the class-validator decorators declare them. Either side changing alone fails.
 */
const doc = parse(readFileSync(join(__dirname, '../../../../docs/asyncapi.yaml'), 'utf8'));

interface Declared {
  required: boolean;
  nullable: boolean;
  format?: string;
  enum?: unknown[];
  nested?: Function;
}

function declared(cls: Function): Map<string, Declared> {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const out = new Map<string, Declared>();
  const names = [...new Set(metas.map((m) => m.propertyName))];
  for (const p of names) {
    const ms = metas.filter((m) => m.propertyName === p);
    const has = (n: string) => ms.find((m) => m.name === n);
    const conditional = ms.some((m) => m.type === 'conditionalValidation');
    const defined = ms.some((m) => m.type === 'isDefined' || m.name === 'isDefined');
    out.set(p, {
      required: !conditional || defined,
      nullable: conditional,
      format: has('isUuid') ? 'uuid' : has('isTimestamp') ? 'date-time' : has('isCalendarDate') ? 'date' : undefined,
      enum: has('isIn')?.constraints[0],
      nested: ms.some((m) => m.type === 'nestedValidation')
        ? Reflect.getMetadata('design:type', (cls as any).prototype, p)
        : undefined,
    });
  }
  return out;
}

function resolve(ref: string): any {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: any, part) => node?.[part.replace(/~1/g, '/')], doc);
}

function checkSchema(cls: Function, schema: any, path: string): void {
  const want = declared(cls);
  expect({ path, props: Object.keys(schema.properties).sort() }).toEqual({ path, props: [...want.keys()].sort() });
  expect({ path, required: [...(schema.required ?? [])].sort() }).toEqual({
    path,
    required: [...want]
      .filter(([, d]) => d.required)
      .map(([n]) => n)
      .sort(),
  });
  for (const [name, d] of want) {
    const s = schema.properties[name];
    if (d.nested) {
      expect(s.$ref).toBe(`#/components/schemas/${d.nested.name}`);
      checkSchema(d.nested, resolve(s.$ref), `${path}.${name}`);
      continue;
    }
    const types = [s.type].flat();
    expect({ at: `${path}.${name}`, nullable: types.includes('null') }).toEqual({
      at: `${path}.${name}`,
      nullable: d.nullable,
    });
    if (d.format)
      expect({ at: `${path}.${name}`, format: s.format }).toEqual({ at: `${path}.${name}`, format: d.format });
    if (d.enum)
      expect({ at: `${path}.${name}`, enum: s.enum.filter((v: unknown) => v !== null) }).toEqual({
        at: `${path}.${name}`,
        enum: [...d.enum],
      });
  }
}

describe('docs/asyncapi.yaml matches libs/contracts', () => {
  it('is an AsyncAPI 3 document whose $refs all resolve', () => {
    expect(doc.asyncapi).toMatch(/^3\./);
    const refs: string[] = [];
    const walk = (n: any) => {
      if (n && typeof n === 'object')
        for (const [k, v] of Object.entries(n)) {
          if (k === '$ref') refs.push(v as string);
          else walk(v);
        }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((r) => resolve(r) === undefined)).toEqual([]);
  });

  it('describes every topic and its .dlq, and nothing else', () => {
    const addresses = Object.values(doc.channels)
      .map((c: any) => c.address)
      .sort();
    expect(addresses).toEqual([...ALL_TOPICS, ...ALL_TOPICS.map(dlqTopic)].sort());
    for (const t of ALL_TOPICS) {
      const dlq: any = Object.values(doc.channels).find((c: any) => c.address === dlqTopic(t));
      expect(Object.values(dlq.messages).map((m: any) => m.$ref)).toEqual(['#/components/messages/DeadLetter']);
    }
    expect(Object.keys(resolve('#/components/schemas/DeadLetterHeaders').properties).sort()).toEqual(
      ['dlq_reason', 'dlq_fields', 'dlq_topic', 'dlq_partition', 'dlq_offset', 'dlq_group', 'dlq_time'].sort(),
    );
  });

  it.each(ALL_TOPICS)('puts exactly the event types of %s on its channel', (topic) => {
    const channel: any = Object.values(doc.channels).find((c: any) => c.address === topic);
    const types = Object.values(channel.messages).map((m: any) => resolve(m.$ref).name);
    expect(types.sort()).toEqual(eventTypesOf(topic).sort());
  });

  it('declares the CloudEvents headers the producers write', () => {
    const headers = resolve('#/components/schemas/CloudEventHeaders');
    expect(Object.keys(headers.properties).sort()).toEqual(Object.values(CloudEventHeaders).sort());
    expect(headers.required).not.toContain(CloudEventHeaders.CAUSATION_ID);
  });

  it.each(ALL_EVENT_TYPES)('%s: key and every payload property, with presence, format and allowed values', (type) => {
    const msg = doc.components.messages[type];
    expect(msg).toBeDefined();
    expect(msg.headers.allOf[1].properties.ce_type.const).toBe(type);
    const sample = SAMPLE_PAYLOADS[type] as unknown as Record<string, unknown>;
    expect(EVENT_TYPES[type].key(SAMPLE_PAYLOADS[type] as never)).toBe(sample[msg['x-key-field']]);
    expect(msg.payload.$ref).toBe(`#/components/schemas/${type}`);
    checkSchema(EVENT_TYPES[type].payload, resolve(msg.payload.$ref), type);
  });
});
