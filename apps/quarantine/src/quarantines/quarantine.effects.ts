import { EventEnvelope } from '@ct/contracts';
import { Decision, NewTest, Order } from './domain/quarantine';
import { OrderWrites } from './infrastructure/quarantine.store';
import { endedHistory, HistoryRow } from './infrastructure/quarantine.rows';
import { decisionEvents, EventCause } from './quarantine.events';

/** A decision as the workflow made it: why, and the person's order just before it. */
export interface Decided {
  decision: Decision;
  cause: EventCause & { note?: string };
  before: Order | null;
}

/** What a run of decisions writes (one set-based statement per kind of row) and publishes, in order. */
export interface Effects extends OrderWrites {
  events: EventEnvelope[];
}

/**
 * The rows and events of a run's decisions, at `at`: an order inserted, updated or ended once however
 * many decisions touched it; tests planned in this run and cancelled by a later extension in it are
 * dropped before they exist (with their events); stored ones are cancelled by the store.
 */
export function effectsOf(list: Decided[], at: Date, newId: () => string): Effects {
  const iso = at.toISOString();
  const inserted = new Map<string, Order>();
  const updated = new Map<string, Order>();
  const ended = new Map<string, { order: Order; reason: string }>();
  const history: HistoryRow[] = [];
  const pending: { test: NewTest; event: EventEnvelope }[] = [];
  const cancelFrom: { quarantineId: string; from: string }[] = [];
  const events: EventEnvelope[] = [];
  const upsert = (o: Order) => (inserted.has(o.id) ? inserted.set(o.id, o) : updated.set(o.id, o));
  const row = (o: Order, change: HistoryRow['change'], r: Partial<HistoryRow>): HistoryRow => ({
    quarantineId: o.id,
    change,
    previousKind: null,
    kind: o.kind,
    previousEndsAt: null,
    endsAt: o.endsAt,
    dayZero: o.dayZero,
    facilityId: o.facilityId,
    reason: null,
    ...r,
  });

  for (const { decision: d, cause, before } of list) {
    const out = decisionEvents(d, iso, cause, newId);
    switch (d.type) {
      case 'Ordered':
        inserted.set(d.order.id, d.order);
        history.push(row(d.order, 'ORDERED', { reason: d.order.needsFacility ? 'NO_FACILITY_FREE' : null }));
        break;
      case 'Extended': {
        upsert(d.order);
        // Tests of this run are dropped before they exist; stored ones are cancelled by the store.
        for (let i = pending.length - 1; i >= 0; i--) {
          const p = pending[i];
          if (p.test.quarantineId === d.order.id && p.test.dueOn >= d.cancelTestsFrom) {
            pending.splice(i, 1);
            events.splice(events.indexOf(p.event), 1);
          }
        }
        cancelFrom.push({ quarantineId: d.order.id, from: d.cancelTestsFrom });
        history.push(row(d.order, 'EXTENDED', { previousEndsAt: d.previousEndsAt }));
        break;
      }
      case 'Transferred':
        upsert(d.order);
        history.push(
          row(d.order, 'TRANSFERRED', {
            previousKind: d.previousKind,
            previousEndsAt: before?.endsAt ?? null,
            reason: d.reason,
          }),
        );
        break;
      case 'Ended':
        ended.set(d.order.id, { order: d.order, reason: d.reason });
        history.push(endedHistory(d.order, cause.note ? `${d.reason}: ${cause.note}` : d.reason));
        break;
      case 'RetestScheduled':
      case 'ExitTestNegative':
      case 'Ignored':
        break;
      default: {
        const unknown: never = d;
        throw new Error(`unknown decision ${JSON.stringify(unknown)}`);
      }
    }
    if (out.event) events.push(out.event);
    for (const t of out.tests) {
      pending.push(t);
      events.push(t.event);
    }
  }
  return {
    inserted: inserted.values(),
    updated: updated.values(),
    cancelTestsFrom: cancelFrom,
    tests: pending.map((p) => p.test),
    ended: [...ended.values()],
    history,
    events,
  };
}
