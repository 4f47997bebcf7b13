/**
 * Hooks for counting what flows through the messaging layer (metrics). The default counts
 * nothing; a service binds its own implementation to the MessagingObserver class token.
 */
export class MessagingObserver {
  consumed(_topic: string, _type: string, _count: number): void {}
  produced(_topic: string, _count: number): void {}
  /** `category`: contract, rejected, pg_<SQLSTATE>, exhausted, handler_error (failures.ts). */
  deadLettered(_topic: string, _reason: string, _category?: string): void {}
  /** A failed attempt that will be retried; `kind`: infrastructure or unknown. */
  retried(_topic: string, _kind: string): void {}
  /** The consumer group started a rebalance. */
  rebalanced(_group: string): void {}
  /** The consumer is in its group and consuming (true) or not (false). */
  consumerState(_group: string, _up: boolean): void {}
  /** The broker or database is away (true) or back (false), as seen by a handler. */
  outage(_group: string, _down: boolean): void {}
}
