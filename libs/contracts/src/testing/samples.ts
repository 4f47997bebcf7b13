import { toKafkaHeaders } from '../headers';
import { RawMessage } from '../parse';
import { EVENT_TYPES, EventDefinition, EventMeta, EventPayloads, EventType } from '../registry';
import { CARE_SAMPLES } from './sample-payloads/care';
import { CASES_SAMPLES } from './sample-payloads/cases';
import { CHECKINS_SAMPLES } from './sample-payloads/checkins';
import { CONTACTS_SAMPLES } from './sample-payloads/contacts';
import { QUARANTINE_SAMPLES } from './sample-payloads/quarantine';
import { SURVEILLANCE_SAMPLES } from './sample-payloads/surveillance';
import { TESTING_SAMPLES } from './sample-payloads/testing';

// Fixtures for tests (this library's and consumers'): one valid payload per event type, kept per
// topic in sample-payloads/. The mapped types make the compiler demand a sample for every event
// type added to the registry (here, and in its topic's file).
export const SAMPLE_PAYLOADS: { [K in EventType]: EventPayloads[K] } = {
  ...CHECKINS_SAMPLES,
  ...CASES_SAMPLES,
  ...CONTACTS_SAMPLES,
  ...QUARANTINE_SAMPLES,
  ...TESTING_SAMPLES,
  ...SURVEILLANCE_SAMPLES,
  ...CARE_SAMPLES,
};

/** A copy of a sample as plain JSON, for tests that break it. */
export function samplePlain(type: EventType): Record<string, unknown> {
  return JSON.parse(JSON.stringify(SAMPLE_PAYLOADS[type]));
}

/**
 * A message as kafkajs delivers it (Buffers everywhere): the type's topic, the key the registry
 * computes from the sample, and well-formed CloudEvents headers. `value` may be any JSON-able thing.
 */
export function sampleMessage(
  type: EventType,
  value: unknown = SAMPLE_PAYLOADS[type],
  meta: Partial<EventMeta> = {},
): RawMessage {
  const def = EVENT_TYPES[type] as unknown as EventDefinition<object>;
  const headers = toKafkaHeaders({
    id: 'e-1',
    type,
    source: '/test',
    time: '2021-11-22T10:00:00Z',
    correlationId: 'e-0',
    causationId: null,
    ...meta,
  });
  return {
    topic: def.topic,
    key: Buffer.from(def.key(SAMPLE_PAYLOADS[type])),
    value: Buffer.from(JSON.stringify(value)),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
  };
}
