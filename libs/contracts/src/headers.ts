import type { EventMeta } from './registry';

/** CloudEvents Kafka protocol binding, binary content mode: attributes travel as `ce_*` headers. */
export const CloudEventHeaders = {
  SPECVERSION: 'ce_specversion',
  ID: 'ce_id',
  TYPE: 'ce_type',
  SOURCE: 'ce_source',
  TIME: 'ce_time',
  CONTENT_TYPE: 'content-type',
  /** Extension attributes (CloudEvents allows lower-case alphanumeric names only). */
  CORRELATION_ID: 'ce_correlationid',
  CAUSATION_ID: 'ce_causationid',
} as const;

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

export type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export function toKafkaHeaders(meta: EventMeta): Record<string, string> {
  const h: Record<string, string> = {
    [CloudEventHeaders.SPECVERSION]: CLOUDEVENTS_SPEC_VERSION,
    [CloudEventHeaders.ID]: meta.id,
    [CloudEventHeaders.TYPE]: meta.type,
    [CloudEventHeaders.SOURCE]: meta.source,
    [CloudEventHeaders.TIME]: meta.time,
    [CloudEventHeaders.CONTENT_TYPE]: JSON_CONTENT_TYPE,
    [CloudEventHeaders.CORRELATION_ID]: meta.correlationId,
  };
  if (meta.causationId !== null) h[CloudEventHeaders.CAUSATION_ID] = meta.causationId;
  return h;
}

/**
 * Kafka headers as strings (UTF-8), names lower-cased. A header repeated in one message keeps its
 * last value, as Kafka's own `Headers.lastHeader` does.
 */
export function readHeaders(headers: RawHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last === undefined || last === null) continue;
    out[name.toLowerCase()] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return out;
}
