import { Injectable } from '@nestjs/common';
import { Clock, systemClock } from './clock';

/**
 * The one clock of a service (provided by ServiceCoreModule): every time rule reads `now()` from
 * here. It is the system clock unless a test (or a replay tool) swaps in its own with `use()`.
 */
@Injectable()
export class ServiceClock implements Clock {
  private source: Clock = systemClock;

  now(): Date {
    return this.source.now();
  }

  use(clock: Clock): void {
    this.source = clock;
  }
}
