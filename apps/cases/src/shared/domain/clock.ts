/** Where "now" comes from, so time rules can be tested with a fixed clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Injection token of the cases service's Clock. */
export const CASES_CLOCK = Symbol('CASES_CLOCK');
