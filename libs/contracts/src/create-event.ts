import { randomUUID } from 'node:crypto';
import { ContractViolation, problem } from './contract-violation';
import { certainTimestamp } from './events/checkins.v1';
import { check, definition } from './payload-check';
import { EventEnvelope, EventPayloads, EventType } from './registry';
import { isTimestamp } from './validation';

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
