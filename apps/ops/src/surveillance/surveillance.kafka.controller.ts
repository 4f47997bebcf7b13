import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { SurveillanceService } from './surveillance.service';

/** Feeds the surveillance read model (consumer group `ops`); each handler runs in the inbox transaction. */
@Controller()
export class SurveillanceKafkaController {
  constructor(private readonly surveillance: SurveillanceService) {}

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
