import { Topics } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { ServiceClock, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { EventCause } from '../../quarantines/quarantine.events';
import { facilityBedsChanged } from '../care.events';

/**
 * Publishes FacilityBedsChanged (care.v1, key facilityId) for facilities whose beds changed, with the
 * figures of the caller's transaction as it commits (occupied is kept by the triggers on
 * isolations). At most one per facility per transaction (Outbox.addOnce): callers collect the
 * facilities a whole operation touched and call once at its end; when two operations of one
 * transaction (a batch of events handled together) both touch a facility, the later call's cause
 * is the event's and the figures are the final ones.
 */
@Injectable()
export class FacilityBedsPublisher {
  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
  ) {}

  async changed(facilityIds: Iterable<string | null>, cause: EventCause): Promise<void> {
    const ids = [...new Set([...facilityIds].filter((id): id is string => id !== null))].sort();
    for (const id of ids) await this.outbox.addOnce(Topics.CARE, id, () => this.figures(id, cause));
  }

  private async figures(id: string, cause: EventCause) {
    const [r]: { area_code: string; capacity: number; occupied: number }[] = await this.tx.manager.query(
      'SELECT area_code, capacity, occupied FROM quarantine.care_facilities WHERE id = $1',
      [id],
    );
    if (!r) return null;
    const f = { id, areaCode: r.area_code, capacity: r.capacity, occupied: r.occupied };
    return facilityBedsChanged(f, this.clock.now().toISOString(), cause);
  }
}
