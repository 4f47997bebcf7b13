import { Injectable } from '@nestjs/common';
import { Clock, systemClock } from './domain/clock';

/** The service's `QuarantinePolicy`, from its environment. */
export const QUARANTINE_POLICY = Symbol('QUARANTINE_POLICY');
/** The configured centralized facilities (`Facility[]`). */
export const FACILITIES = Symbol('FACILITIES');

/**
 * The injected clock: the system clock, unless a test (or a replay tool) swaps in its own with
 * `use()`; every time rule of the service reads `now()` from here.
 */
@Injectable()
export class QuarantineClock implements Clock {
  private source: Clock = systemClock;

  now(): Date {
    return this.source.now();
  }

  use(clock: Clock): void {
    this.source = clock;
  }
}
