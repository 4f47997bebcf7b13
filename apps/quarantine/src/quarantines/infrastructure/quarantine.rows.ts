import { Kind, Order } from '../domain/quarantine';

/** A row of quarantine.quarantines as ORDER_COLUMNS reads it. */
export interface OrderRow {
  id: string;
  person_id: string;
  kind: Order['kind'];
  facility_id: string | null;
  needs_facility: boolean;
  area_code: string | null;
  degree: number;
  source_person_id: string;
  source_case_id: string;
  day_zero: string;
  starts_at: Date;
  ends_at: Date;
  test_days: number[];
  ordered_at: Date;
}

export const ORDER_COLUMNS = `q.id, q.person_id, q.kind, q.facility_id, q.needs_facility, q.area_code, q.degree, q.source_person_id,
  q.source_case_id, to_char(q.day_zero, 'YYYY-MM-DD') AS day_zero, q.starts_at, q.ends_at, q.test_days, q.ordered_at`;

export function toOrder(r: OrderRow): Order {
  return {
    id: r.id,
    personId: r.person_id,
    kind: r.kind,
    facilityId: r.facility_id,
    needsFacility: r.needs_facility,
    areaCode: r.area_code,
    degree: r.degree === 2 ? 2 : 1,
    sourcePersonId: r.source_person_id,
    sourceCaseId: r.source_case_id,
    dayZero: r.day_zero,
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    testDays: r.test_days.map(Number),
    orderedAt: new Date(r.ordered_at),
  };
}

/** What the service knows about a person besides their order (see QuarantineStore.states). */
export interface PersonRow {
  person_id: string;
  open_case: boolean;
  eligible: boolean | null;
  area_code: string | null;
  vaccine_doses: number | null;
  last_dose_at: Date | null;
  recovered_at: Date | null;
}

/** A row of quarantine.quarantine_history: one change of an order (null: does not apply to this change). */
export interface HistoryRow {
  quarantineId: string;
  change: 'ORDERED' | 'EXTENDED' | 'TRANSFERRED' | 'ENDED';
  previousKind: Kind | null;
  kind: Kind | null;
  previousEndsAt: Date | null;
  endsAt: Date | null;
  dayZero: string | null;
  facilityId: string | null;
  reason: string | null;
}

/** Orders as the parameters of ORDERS_UNNEST, one array per column. */
export function orderColumns(orders: Iterable<Order>): unknown[] {
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
}

/** The orders of orderColumns as a table t(...). */
export const ORDERS_UNNEST = `unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::int[], $8::text[], $9::uuid[], $10::date[],
    $11::timestamptz[], $12::timestamptz[], $13::text[], $14::timestamptz[])
  AS t(id, person_id, kind, facility_id, needs_facility, area_code, degree, source_person_id, source_case_id, day_zero, starts_at,
    ends_at, test_days, ordered_at)`;

/** The history row of an order that ended (`reason`: the end reason, with a staff note if any). */
export function endedHistory(o: Pick<Order, 'id' | 'kind' | 'endsAt' | 'facilityId'>, reason: string): HistoryRow {
  return {
    quarantineId: o.id,
    change: 'ENDED',
    previousKind: o.kind,
    kind: null,
    previousEndsAt: o.endsAt,
    endsAt: null,
    dayZero: null,
    facilityId: o.facilityId,
    reason,
  };
}
