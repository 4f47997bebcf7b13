/**
 * Thrown by a handler for an event that can never be processed (it breaks a rule no retry will
 * change). The consumer dead-letters it with this reason and moves on. Any other error is
 * treated as transient: the offset is not committed and the event is delivered again.
 */
export class UnprocessableEvent extends Error {
  constructor(
    readonly reason: string,
    readonly fields: { field: string; problems: string[] }[] = [],
  ) {
    super(reason);
    this.name = 'UnprocessableEvent';
  }
}
