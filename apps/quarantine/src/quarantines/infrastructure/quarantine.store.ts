import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { Order, PersonState } from '../domain/quarantine';

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

interface PersonRow {
  person_id: string;
  open_case: boolean;
  eligible: boolean | null;
  area_code: string | null;
  vaccine_doses: number | null;
  last_dose_at: Date | null;
  recovered_at: Date | null;
}

/** Set-based reads of what the decider needs, inside the caller's transaction. */
@Injectable()
export class QuarantineStore {
  constructor(private readonly tx: TransactionHost) {}

  /** Everyone's state in one statement, locking their active orders for the transaction. */
  async states(personIds: string[]): Promise<Map<string, PersonState>> {
    const ids = [...new Set(personIds)];
    const m = this.tx.manager;
    const people: PersonRow[] = await m.query(
      `SELECT p.id AS person_id, oc.person_id IS NOT NULL AS open_case, h.eligible,
                pp.area_code, pp.vaccine_doses, pp.last_dose_at, pp.recovered_at
           FROM unnest($1::text[]) AS p(id)
           LEFT JOIN quarantine.open_cases oc ON oc.person_id = p.id
           LEFT JOIN quarantine.home_eligibility h ON h.person_id = p.id
           LEFT JOIN quarantine.person_profiles pp ON pp.person_id = p.id`,
      [ids],
    );
    const orders: OrderRow[] = await m.query(
      `SELECT ${ORDER_COLUMNS} FROM quarantine.quarantines q WHERE q.person_id = ANY($1::text[]) AND q.status = 'ACTIVE' FOR UPDATE`,
      [ids],
    );
    const active = new Map(orders.map((o) => [o.person_id, toOrder(o)]));
    return new Map(
      people.map((p) => [
        p.person_id,
        {
          personId: p.person_id,
          openCase: p.open_case,
          homeEligible: p.eligible === true,
          profile:
            p.vaccine_doses === null
              ? null
              : {
                  areaCode: p.area_code ?? '',
                  vaccineDoses: p.vaccine_doses,
                  lastDoseAt: p.last_dose_at && new Date(p.last_dose_at),
                  recoveredAt: p.recovered_at && new Date(p.recovered_at),
                },
          active: active.get(p.person_id) ?? null,
        },
      ]),
    );
  }

  /**
   * Active orders per facility. The transaction first takes an advisory lock so that two
   * instances do not hand out the last free place twice.
   */
  async occupancy(): Promise<Map<string, number>> {
    await this.tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext('quarantine:facilities'))`);
    const rows: { facility_id: string; n: number }[] = await this.tx.manager.query(
      `SELECT facility_id, count(*)::int AS n FROM quarantine.quarantines WHERE status = 'ACTIVE' AND facility_id IS NOT NULL GROUP BY facility_id`,
    );
    return new Map(rows.map((r) => [r.facility_id, r.n]));
  }

  async order(id: string): Promise<(Order & { status: string }) | null> {
    const [r] = await this.tx.manager.query(
      `SELECT ${ORDER_COLUMNS}, q.status FROM quarantine.quarantines q WHERE q.id = $1 FOR UPDATE`,
      [id],
    );
    return r ? { ...toOrder(r), status: r.status } : null;
  }

  /** Persons under an active F2 watch whose F1 is one of `sources`. */
  async watchersOf(sources: string[]): Promise<string[]> {
    const rows: { person_id: string }[] = await this.tx.manager.query(
      `SELECT person_id FROM quarantine.quarantines WHERE status = 'ACTIVE' AND kind = 'SELF_MONITORING' AND source_person_id = ANY($1::text[])`,
      [sources],
    );
    return rows.map((r) => r.person_id);
  }
}
