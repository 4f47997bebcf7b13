import type { RawHeaders } from './headers';

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

export function problem(field: string, message: string): FieldError {
  return { field, problems: [message] };
}

/** A message's key or value as text (UTF-8), null when absent. */
export function text(v: Buffer | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return Buffer.isBuffer(v) ? v.toString('utf8') : v;
}
