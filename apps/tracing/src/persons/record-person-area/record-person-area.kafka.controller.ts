import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { TransactionHost } from '@ct/platform';
import { Controller } from '@nestjs/common';

/**
 * Keeps the area of every registered person (PersonProfileChanged on cases.v1, no identity data),
 * so that a case's graph shows contacts of other areas as pseudonymous nodes. The newest changedAt
 * wins, so a late redelivery of an older profile changes nothing.
 */
@Controller()
export class RecordPersonAreaKafkaController {
  constructor(private readonly tx: TransactionHost) {}

  @HandleEvent('PersonProfileChanged')
  async onProfile(e: EventEnvelope<'PersonProfileChanged'>): Promise<void> {
    const p = e.payload;
    await this.tx.manager.query(
      `INSERT INTO tracing.person_areas (person_id, area_code, changed_at) VALUES ($1, $2, $3)
       ON CONFLICT (person_id) DO UPDATE SET area_code = EXCLUDED.area_code, changed_at = EXCLUDED.changed_at
       WHERE tracing.person_areas.changed_at <= EXCLUDED.changed_at`,
      [p.personId, p.areaCode, p.changedAt],
    );
  }
}
