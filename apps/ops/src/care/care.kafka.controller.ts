import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { CareFiguresStore } from './care-figures.store';

/** Feeds the care figures (consumer group `ops`); each handler runs in the inbox transaction. */
@Controller()
export class CareKafkaController {
  constructor(private readonly store: CareFiguresStore) {}

  @HandleEvent('IsolationOrdered')
  ordered(e: EventEnvelope<'IsolationOrdered'>): Promise<void> {
    return this.store.ordered(e.payload, e.meta.time);
  }

  @HandleEvent('IsolationTransferred')
  transferred(e: EventEnvelope<'IsolationTransferred'>): Promise<void> {
    return this.store.transferred(e.payload);
  }

  @HandleEvent('IsolationEnded')
  ended(e: EventEnvelope<'IsolationEnded'>): Promise<void> {
    return this.store.ended(e.payload);
  }

  @HandleEvent('HealthCheckRecorded')
  check(e: EventEnvelope<'HealthCheckRecorded'>): Promise<void> {
    return this.store.check(e.payload);
  }

  @HandleEvent('FacilityBedsChanged')
  beds(e: EventEnvelope<'FacilityBedsChanged'>): Promise<void> {
    return this.store.beds(e.payload);
  }

  @HandleEvent('FollowUpMissed')
  missed(e: EventEnvelope<'FollowUpMissed'>): Promise<void> {
    return this.store.missed(e.payload);
  }
}
