import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { ConvertPositiveResult } from '../../conversions/convert-positive-result/convert-positive-result';
import { StatusStore } from './status-store';

/** Feeds the person status read model from contacts.v1, quarantine.v1 and testing.v1. */
@Controller()
export class RecordStatusEventsKafkaController {
  constructor(
    private readonly store: StatusStore,
    private readonly conversions: ConvertPositiveResult,
  ) {}

  @HandleEvent('ContactIdentified')
  async contact(e: EventEnvelope<'ContactIdentified'>): Promise<void> {
    await this.store.contact(e.payload);
  }

  @HandleEvent('QuarantineOrdered')
  async ordered(e: EventEnvelope<'QuarantineOrdered'>): Promise<void> {
    await this.store.quarantineOrdered(e.payload);
  }

  @HandleEvent('QuarantineExtended')
  async extended(e: EventEnvelope<'QuarantineExtended'>): Promise<void> {
    await this.store.quarantineExtended(e.payload);
  }

  @HandleEvent('QuarantineTransferred')
  async transferred(e: EventEnvelope<'QuarantineTransferred'>): Promise<void> {
    await this.store.quarantineTransferred(e.payload);
  }

  @HandleEvent('QuarantineEnded')
  async ended(e: EventEnvelope<'QuarantineEnded'>): Promise<void> {
    await this.store.quarantineEnded(e.payload);
  }

  @HandleEvent('TestScheduled')
  async scheduled(e: EventEnvelope<'TestScheduled'>): Promise<void> {
    await this.store.testScheduled(e.payload);
  }

  /** Recorded in the read model, and a positive result may confirm a case (same transaction). */
  @HandleEvent('TestResultRecorded')
  async result(e: EventEnvelope<'TestResultRecorded'>): Promise<void> {
    await this.store.testResult(e.payload);
    await this.conversions.run(e);
  }
}
