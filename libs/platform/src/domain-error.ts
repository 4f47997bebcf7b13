export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden';

/**
 * A broken business rule with a stable code (e.g. CASE.ALREADY_OPEN). Domain code throws these;
 * only the HTTP layer turns them into status codes (400 / 404 / 409 / 403).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'invalid',
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** What an error catalog entry builds from its arguments: the message, and details when there are any. */
export type ErrorText = string | { message: string; details?: Record<string, unknown> };

/** One code of a service's error catalog: call it to get the DomainError; `code` and `kind` are its identity. */
export interface ErrorCode<A extends unknown[]> {
  (...args: A): DomainError;
  readonly code: string;
  readonly kind: DomainErrorKind;
}

/**
 * An entry of a service's error catalog (`apps/<service>/src/errors.ts`): the code, once, with its
 * kind (the HTTP status at the edge) and how the message and details are built.
 */
export function errorCode<A extends unknown[]>(
  code: string,
  kind: DomainErrorKind,
  build: (...args: A) => ErrorText,
): ErrorCode<A> {
  const make = (...args: A): DomainError => {
    const text = build(...args);
    return typeof text === 'string'
      ? new DomainError(code, text, kind)
      : new DomainError(code, text.message, kind, text.details ?? {});
  };
  return Object.assign(make, { code, kind });
}
