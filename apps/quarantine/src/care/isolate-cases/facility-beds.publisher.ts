import { Outbox } from '@ct/messaging';
import { ServiceClock, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { EventCause } from '../../quarantines/quarantine.events';
import { facilityBedsChanged } from '../care.events';

/**
 * Publishes FacilityBedsChanged (care.v1, key facilityId) for facilities whose beds changed, with the
 * figures read after the change in the caller's transaction (occupied is kept by the triggers on
 * isolations). At most one per facility per transaction: callers collect the facilities a whole
 * operation touched and call once at its end; if two operations of one transaction (a batch of
 * events handled together) both touch a facility, the earlier event of this transaction is taken
 * out of the outbox (it is not committed yet, so the relay never saw it) and the later one, with
 * the final figures, replaces it.
 */
@Injectable()
export class FacilityBedsPublisher {
  /** Per open transaction (its manager): facilityId → the event id written in it. */
  private readonly written = new WeakMap<object, Map<string, string>>();

  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
  ) {}

  async changed(facilityIds: Iterable<string | null>, cause: EventCause): Promise<void> {
    const ids = [...new Set([...facilityIds].filter((id): id is string => id !== null))].sort();
    if (ids.length === 0) return;
    const m = this.tx.manager;
    const rows: { id: string; area_code: string; capacity: number; occupied: number }[] = await m.query(
      'SELECT id, area_code, capacity, occupied FROM quarantine.care_facilities WHERE id = ANY($1::text[]) ORDER BY id',
      [ids],
    );
    const at = this.clock.now().toISOString();
    const events = rows.map((r) =>
      facilityBedsChanged({ id: r.id, areaCode: r.area_code, capacity: r.capacity, occupied: r.occupied }, at, cause),
    );
    if (events.length === 0) return;
    if (this.tx.inTransaction) {
      let written = this.written.get(m);
      if (!written) this.written.set(m, (written = new Map()));
      const earlier = rows.map((r) => written.get(r.id)).filter((id): id is string => id !== undefined);
      if (earlier.length > 0)
        await m.query('DELETE FROM quarantine.outbox WHERE event_id = ANY($1::text[])', [earlier]);
      rows.forEach((r, i) => written.set(r.id, events[i].meta.id));
    }
    await this.outbox.add(...events);
  }
}
