import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { ExposureStore } from './infrastructure/exposure.store';
import { SurveillanceService } from './surveillance.service';

/** Feeds the surveillance read model (consumer group `ops`); each handler runs in the inbox transaction. */
@Controller()
export class SurveillanceKafkaController {
  constructor(
    private readonly surveillance: SurveillanceService,
    private readonly exposures: ExposureStore,
  ) {}

  /**
   * Batched (a super-spreader's contacts come in thousands), idempotent by contactId without the
   * inbox. Every handler of a topic with a batch handler gets arrays, so withdrawals too.
   */
  @HandleEvent('ContactIdentified', { batch: true })
  onContactsIdentified(events: EventEnvelope<'ContactIdentified'>[]): Promise<void> {
    return this.exposures.identified(events);
  }

  @HandleEvent('ContactWithdrawn', { batch: true })
  async onContactsWithdrawn(events: EventEnvelope<'ContactWithdrawn'>[]): Promise<void> {
    for (const e of events) await this.exposures.withdrawn(e);
  }

  @HandleEvent('CaseConfirmed')
  onCaseConfirmed(e: EventEnvelope<'CaseConfirmed'>): Promise<void> {
    return this.surveillance.recordCase(e);
  }

  @HandleEvent('QuarantineOrdered')
  onQuarantineOrdered(e: EventEnvelope<'QuarantineOrdered'>): Promise<void> {
    return this.surveillance.quarantineOrdered(e);
  }

  @HandleEvent('QuarantineEnded')
  onQuarantineEnded(e: EventEnvelope<'QuarantineEnded'>): Promise<void> {
    return this.surveillance.quarantineEnded(e);
  }
}
