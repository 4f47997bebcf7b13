/**
 * Where "now" comes from, so that time rules can be tested with a fixed or moving clock. Plain
 * TypeScript: domain code may take a `Clock` (or the `now` read from one) without a framework.
 */
export interface Clock {
  now(): Date;
}

/** The system's time; what every service's `ServiceClock` reads unless told otherwise. */
export const systemClock: Clock = { now: () => new Date() };
