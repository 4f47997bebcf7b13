import { FieldError, problem } from './contract-violation';
import { CLOUDEVENTS_SPEC_VERSION, CloudEventHeaders as H, JSON_CONTENT_TYPE } from './headers';
import { EVENT_TYPES, EventType, isEventType } from './registry';
import { isTimestamp } from './validation';

/** The CloudEvents headers of a message on `topic`: every problem named, and the event type when it is one of the topic's. */
export function checkHeaders(
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
