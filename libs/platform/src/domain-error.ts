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
