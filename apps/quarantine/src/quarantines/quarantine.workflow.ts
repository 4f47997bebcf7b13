import { createEvent, EventEnvelope, EventMeta } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Facility, localDay, PlannedTest, QuarantinePolicy } from './domain/policy';
import {
  Command,
  decide,
  Decision,
  DecisionContext,
  evolve,
  occupancyChange,
  Order,
  PersonState,
} from './domain/quarantine';
import { QuarantineStore } from './infrastructure/quarantine.store';
import { FACILITIES, QUARANTINE_POLICY, QuarantineClock } from './quarantines.tokens';

const SOURCE = '/quarantine';

/** What caused a change: the event consumed (its id and correlation) or a staff request. */
export interface Cause {
  correlationId?: string;
  causationId?: string;
  /** Free text kept in the history (cancel reason, who changed eligibility). */
  note?: string;
}

export function causeOf(meta: Pick<EventMeta, 'id' | 'correlationId'>): Cause {
  return { correlationId: meta.correlationId, causationId: meta.id };
}

interface PendingTest extends PlannedTest {
  id: string;
  personId: string;
  quarantineId: string;
  event: EventEnvelope;
}

/**
 * The application layer: loads people's state set-based, runs the pure decider for each command
 * in order (evolving the in-memory state, so one batch can hold several events of one person),
 * then writes every effect with a handful of set-based statements and queues the events in the
 * outbox, all in the caller's transaction.
 */
@Injectable()
export class QuarantineWorkflow {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: QuarantineStore,
    private readonly outbox: Outbox,
    private readonly clock: QuarantineClock,
    @Inject(QUARANTINE_POLICY) private readonly policy: QuarantinePolicy,
    @Inject(FACILITIES) private readonly facilities: Facility[],
  ) {}

  now(): Date {
    return this.clock.now();
  }

  today(): string {
    return localDay(this.clock.now(), this.policy.utcOffsetMinutes);
  }

  /** Runs commands (person, command, cause) in order inside the current transaction. */
  async run(commands: { personId: string; command: Command; cause: Cause }[]): Promise<Decision[]> {
    if (commands.length === 0) return [];
    return this.tx.run(async () => {
      const states = await this.store.states(commands.map((c) => c.personId));
      const occupied = await this.store.occupancy();
      const now = this.clock.now();
      const ctx: DecisionContext = {
        now,
        policy: this.policy,
        facilities: this.facilities,
        occupied,
        newId: randomUUID,
      };
      const out: { decision: Decision; cause: Cause; before: Order | null }[] = [];
      for (const { personId, command, cause } of commands) {
        let state: PersonState = states.get(personId)!;
        for (const decision of decide(command, state, ctx)) {
          out.push({ decision, cause, before: state.active });
          for (const [f, n] of occupancyChange(state.active, decision)) occupied.set(f, (occupied.get(f) ?? 0) + n);
          state = evolve(state, decision);
        }
        states.set(personId, state);
      }
      await this.apply(out, now);
      return out.map((o) => o.decision);
    });
  }

  private async apply(list: { decision: Decision; cause: Cause; before: Order | null }[], now: Date): Promise<void> {
    const m = this.tx.manager;
    const at = now.toISOString();
    const inserted = new Map<string, Order>();
    const updated = new Map<string, Order>();
    const ended = new Map<string, { order: Order; reason: string }>();
    const history: unknown[][] = [];
    const pending: PendingTest[] = [];
    const cancelFrom: { quarantineId: string; from: string }[] = [];
    const events: EventEnvelope[] = [];
    const ev = (e: EventEnvelope) => events.push(e);
    const opts = (c: Cause) => ({
      source: SOURCE,
      correlationId: c.correlationId,
      causationId: c.causationId,
      time: at,
    });
    const schedule = (o: Order, tests: PlannedTest[], c: Cause) => {
      for (const t of tests) {
        const id = randomUUID();
        const event = createEvent(
          'TestScheduled',
          { testId: id, personId: o.personId, quarantineId: o.id, dueOn: t.dueOn, day: t.day, scheduledAt: at },
          opts(c),
        );
        pending.push({ ...t, id, personId: o.personId, quarantineId: o.id, event });
        ev(event);
      }
    };
    const orderPayload = (o: Order) => ({
      quarantineId: o.id,
      personId: o.personId,
      kind: o.kind,
      facilityId: o.facilityId,
      dayZero: o.dayZero,
      startsAt: o.startsAt.toISOString(),
      endsAt: o.endsAt.toISOString(),
      testDays: o.testDays,
      sourceCaseId: o.sourceCaseId,
      sourcePersonId: o.sourcePersonId,
      degree: o.degree,
      orderedAt: o.orderedAt.toISOString(),
      needsFacility: o.needsFacility,
    });

    for (const { decision: d, cause, before } of list) {
      switch (d.type) {
        case 'Ordered':
          inserted.set(d.order.id, d.order);
          history.push([
            d.order.id,
            'ORDERED',
            null,
            d.order.kind,
            null,
            d.order.endsAt,
            d.order.dayZero,
            d.order.facilityId,
            d.order.needsFacility ? 'NO_FACILITY_FREE' : null,
          ]);
          ev(createEvent('QuarantineOrdered', orderPayload(d.order), opts(cause)));
          schedule(d.order, d.tests, cause);
          break;
        case 'Extended': {
          if (inserted.has(d.order.id)) inserted.set(d.order.id, d.order);
          else updated.set(d.order.id, d.order);
          // Tests of this batch are dropped before they exist; stored ones are cancelled below.
          for (let i = pending.length - 1; i >= 0; i--) {
            const p = pending[i];
            if (p.quarantineId === d.order.id && p.dueOn >= d.cancelTestsFrom) {
              pending.splice(i, 1);
              events.splice(events.indexOf(p.event), 1);
            }
          }
          cancelFrom.push({ quarantineId: d.order.id, from: d.cancelTestsFrom });
          history.push([
            d.order.id,
            'EXTENDED',
            null,
            d.order.kind,
            d.previousEndsAt,
            d.order.endsAt,
            d.order.dayZero,
            d.order.facilityId,
            null,
          ]);
          ev(
            createEvent(
              'QuarantineExtended',
              {
                quarantineId: d.order.id,
                personId: d.order.personId,
                previousEndsAt: d.previousEndsAt.toISOString(),
                endsAt: d.order.endsAt.toISOString(),
                dayZero: d.order.dayZero,
                testDays: d.order.testDays,
                extendedAt: at,
              },
              opts(cause),
            ),
          );
          schedule(d.order, d.tests, cause);
          break;
        }
        case 'Transferred':
          if (inserted.has(d.order.id)) inserted.set(d.order.id, d.order);
          else updated.set(d.order.id, d.order);
          history.push([
            d.order.id,
            'TRANSFERRED',
            d.previousKind,
            d.order.kind,
            before?.endsAt ?? null,
            d.order.endsAt,
            d.order.dayZero,
            d.order.facilityId,
            d.reason,
          ]);
          ev(
            createEvent(
              'QuarantineTransferred',
              {
                quarantineId: d.order.id,
                personId: d.order.personId,
                previousKind: d.previousKind,
                kind: d.order.kind,
                facilityId: d.order.facilityId,
                needsFacility: d.order.needsFacility,
                reason: d.reason,
                dayZero: d.order.dayZero,
                endsAt: d.order.endsAt.toISOString(),
                testDays: d.order.testDays,
                transferredAt: at,
              },
              opts(cause),
            ),
          );
          schedule(d.order, d.tests, cause);
          break;
        case 'Ended':
          ended.set(d.order.id, { order: d.order, reason: d.reason });
          history.push([
            d.order.id,
            'ENDED',
            d.order.kind,
            null,
            d.order.endsAt,
            null,
            null,
            d.order.facilityId,
            cause.note ? `${d.reason}: ${cause.note}` : d.reason,
          ]);
          ev(
            createEvent(
              'QuarantineEnded',
              { quarantineId: d.order.id, personId: d.order.personId, endedAt: at, reason: d.reason },
              opts(cause),
            ),
          );
          break;
        case 'RetestScheduled':
          schedule(d.order, [d.test], cause);
          break;
        case 'ExitTestNegative':
        case 'Ignored':
          break;
        default: {
          const unknown: never = d;
          throw new Error(`unknown decision ${JSON.stringify(unknown)}`);
        }
      }
    }

    const rows = (orders: Iterable<Order>) => {
      const l = [...orders];
      return [
        l.map((o) => o.id),
        l.map((o) => o.personId),
        l.map((o) => o.kind),
        l.map((o) => o.facilityId),
        l.map((o) => o.needsFacility),
        l.map((o) => o.areaCode),
        l.map((o) => o.degree),
        l.map((o) => o.sourcePersonId),
        l.map((o) => o.sourceCaseId),
        l.map((o) => o.dayZero),
        l.map((o) => o.startsAt),
        l.map((o) => o.endsAt),
        l.map((o) => `{${o.testDays.join(',')}}`),
        l.map((o) => o.orderedAt),
      ];
    };
    const UNNEST = `unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::int[], $8::text[], $9::uuid[], $10::date[],
      $11::timestamptz[], $12::timestamptz[], $13::text[], $14::timestamptz[])`;
    if (inserted.size) {
      await m.query(
        `INSERT INTO quarantine.quarantines (id, person_id, kind, facility_id, needs_facility, area_code, degree, source_person_id, source_case_id,
           day_zero, starts_at, ends_at, test_days, ordered_at, status)
         SELECT id, person_id, kind, facility_id, needs_facility, area_code, degree, source_person_id, source_case_id, day_zero, starts_at, ends_at,
           test_days::int[], ordered_at, 'ACTIVE'
         FROM ${UNNEST} AS t(id, person_id, kind, facility_id, needs_facility, area_code, degree, source_person_id, source_case_id, day_zero, starts_at,
           ends_at, test_days, ordered_at)`,
        rows(inserted.values()),
      );
    }
    if (updated.size) {
      await m.query(
        `UPDATE quarantine.quarantines q SET kind = t.kind, facility_id = t.facility_id, needs_facility = t.needs_facility, degree = t.degree,
           source_person_id = t.source_person_id, source_case_id = t.source_case_id, day_zero = t.day_zero, ends_at = t.ends_at,
           test_days = t.test_days::int[], overdue = false, updated_at = now()
         FROM ${UNNEST} AS t(id, person_id, kind, facility_id, needs_facility, area_code, degree, source_person_id, source_case_id, day_zero, starts_at,
           ends_at, test_days, ordered_at)
         WHERE q.id = t.id AND q.status = 'ACTIVE'`,
        rows(updated.values()),
      );
    }
    if (cancelFrom.length) {
      await m.query(
        `UPDATE quarantine.tests t SET status = 'CANCELLED' FROM unnest($1::uuid[], $2::date[]) AS c(qid, from_day)
         WHERE t.quarantine_id = c.qid AND t.status = 'SCHEDULED' AND t.due_on >= c.from_day`,
        [cancelFrom.map((c) => c.quarantineId), cancelFrom.map((c) => c.from)],
      );
    }
    if (pending.length) {
      await m.query(
        `INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, due_on, day, status, scheduled_at)
         SELECT id, person_id, qid, 'QUARANTINE', due_on, day, 'SCHEDULED', $6 FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::date[], $5::int[])
           AS t(id, person_id, qid, due_on, day)`,
        [
          pending.map((p) => p.id),
          pending.map((p) => p.personId),
          pending.map((p) => p.quarantineId),
          pending.map((p) => p.dueOn),
          pending.map((p) => p.day),
          now,
        ],
      );
    }
    if (ended.size) {
      const l = [...ended.values()];
      await m.query(
        `UPDATE quarantine.quarantines q SET status = 'ENDED', end_reason = e.reason, ended_at = $3, overdue = false, updated_at = now()
         FROM unnest($1::uuid[], $2::text[]) AS e(id, reason) WHERE q.id = e.id AND q.status = 'ACTIVE'`,
        [l.map((e) => e.order.id), l.map((e) => e.reason), now],
      );
      await m.query(
        `UPDATE quarantine.tests SET status = 'CANCELLED' WHERE quarantine_id = ANY($1::uuid[]) AND status = 'SCHEDULED'`,
        [l.map((e) => e.order.id)],
      );
    }
    if (history.length) await this.history(history, now);
    await this.outbox.add(...events);
  }

  /** Rows: [quarantineId, change, previousKind, kind, previousEndsAt, endsAt, dayZero, facilityId, reason]. */
  async history(rows: unknown[][], at: Date): Promise<void> {
    const col = (i: number) => rows.map((r) => r[i] ?? null);
    await this.tx.manager.query(
      `INSERT INTO quarantine.quarantine_history (quarantine_id, change, previous_kind, kind, previous_ends_at, ends_at, day_zero, facility_id, reason, at)
       SELECT *, $10::timestamptz FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::date[], $8::text[], $9::text[])`,
      [col(0), col(1), col(2), col(3), col(4), col(5), col(6), col(7), col(8), at],
    );
  }
}
