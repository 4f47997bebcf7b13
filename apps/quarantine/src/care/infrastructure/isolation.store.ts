import { AgeBand, IsolationKind } from '@ct/contracts';
import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { CareFacts } from '../domain/care-policy';

export interface Isolation {
  id: string;
  personId: string;
  caseId: string;
  areaCode: string;
  kind: IsolationKind;
  facilityId: string | null;
  needsBed: boolean;
  escalated: boolean;
  firstDay: string;
  plannedEndOn: string;
  testDays: number[];
  fromQuarantineId: string | null;
  status: 'ACTIVE' | 'ENDED';
}

export interface FacilityRow {
  id: string;
  name: string;
  areaCode: string;
  capacity: number;
  occupied: number;
}

const ISOLATION_COLUMNS = `id, person_id, case_id, area_code, kind, facility_id, needs_bed, escalated,
  to_char(first_day, 'YYYY-MM-DD') AS first_day, to_char(planned_end_on, 'YYYY-MM-DD') AS planned_end_on,
  test_days, from_quarantine_id, status`;

export function isolationFromRow(r: Record<string, unknown>): Isolation {
  return {
    id: r.id as string,
    personId: r.person_id as string,
    caseId: r.case_id as string,
    areaCode: r.area_code as string,
    kind: r.kind as IsolationKind,
    facilityId: (r.facility_id as string | null) ?? null,
    needsBed: r.needs_bed as boolean,
    escalated: r.escalated as boolean,
    firstDay: r.first_day as string,
    plannedEndOn: r.planned_end_on as string,
    testDays: r.test_days as number[],
    fromQuarantineId: (r.from_quarantine_id as string | null) ?? null,
    status: r.status as Isolation['status'],
  };
}

/** SQL of isolations, treatment facilities and their beds, and the facts that decide the place. */
@Injectable()
export class IsolationStore {
  constructor(private readonly tx: TransactionHost) {}

  private get m() {
    return this.tx.manager;
  }

  /** The person's facts (null when the cases service told nothing yet) and home eligibility (null: not recorded). */
  async factsOf(personId: string): Promise<{ facts: CareFacts | null; homeEligible: boolean | null }> {
    const [r] = await this.m.query(
      `SELECT pp.vaccine_doses, pp.last_dose_at, pp.age_band, pp.underlying_condition, pp.pregnant, he.eligible
         FROM (SELECT $1::text AS person_id) x
         LEFT JOIN quarantine.person_profiles pp ON pp.person_id = x.person_id
         LEFT JOIN quarantine.home_eligibility he ON he.person_id = x.person_id`,
      [personId],
    );
    const facts: CareFacts | null =
      r.vaccine_doses === null
        ? null
        : {
            vaccineDoses: r.vaccine_doses,
            lastDoseAt: r.last_dose_at,
            ageBand: (r.age_band as AgeBand | null) ?? null,
            underlyingCondition: r.underlying_condition,
            pregnant: r.pregnant,
          };
    return { facts, homeEligible: (r.eligible as boolean | null) ?? null };
  }

  async active(personId: string): Promise<Isolation | null> {
    const [r] = await this.m.query(
      `SELECT ${ISOLATION_COLUMNS} FROM quarantine.isolations WHERE person_id = $1 AND status = 'ACTIVE' FOR UPDATE`,
      [personId],
    );
    return r ? isolationFromRow(r) : null;
  }

  async byCase(caseId: string): Promise<Isolation | null> {
    const [r] = await this.m.query(
      `SELECT ${ISOLATION_COLUMNS} FROM quarantine.isolations WHERE case_id = $1 FOR UPDATE`,
      [caseId],
    );
    return r ? isolationFromRow(r) : null;
  }

  /**
   * Every facility with its occupied beds (care_facilities.occupied, kept by triggers on
   * isolations), not locked: a bed is taken with takeBed, which locks that one facility.
   */
  async facilities(): Promise<FacilityRow[]> {
    const rows = await this.m.query(
      'SELECT f.id, f.name, f.area_code, f.capacity, f.occupied FROM quarantine.care_facilities f ORDER BY f.id',
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: r.id as string,
      name: r.name as string,
      areaCode: r.area_code as string,
      capacity: r.capacity as number,
      occupied: r.occupied as number,
    }));
  }

  /**
   * Locks the facility for the transaction when it still has a free bed (false otherwise): the
   * isolation placed there next counts in occupied before the lock is released, so concurrent
   * handlers never fill a facility beyond its capacity.
   */
  async takeBed(facilityId: string): Promise<boolean> {
    const rows = await this.m.query(
      'SELECT 1 FROM quarantine.care_facilities WHERE id = $1 AND occupied < capacity FOR UPDATE',
      [facilityId],
    );
    return rows.length === 1;
  }

  async insert(i: Isolation, at: Date): Promise<void> {
    await this.m.query(
      `INSERT INTO quarantine.isolations (id, person_id, case_id, area_code, kind, facility_id, needs_bed, escalated, first_day,
         planned_end_on, test_days, from_quarantine_id, status, ordered_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8, $9, $10, $11, 'ACTIVE', $12, $12)`,
      [
        i.id,
        i.personId,
        i.caseId,
        i.areaCode,
        i.kind,
        i.facilityId,
        i.needsBed,
        i.firstDay,
        i.plannedEndOn,
        i.testDays,
        i.fromQuarantineId,
        at,
      ],
    );
  }

  async place(
    id: string,
    to: { kind: IsolationKind; facilityId: string | null; needsBed: boolean; escalated: boolean },
    at: Date,
  ) {
    await this.m.query(
      'UPDATE quarantine.isolations SET kind = $2, facility_id = $3, needs_bed = $4, escalated = $5, updated_at = $6 WHERE id = $1',
      [id, to.kind, to.facilityId, to.needsBed, to.escalated, at],
    );
  }

  async end(id: string, reason: string, at: Date): Promise<void> {
    await this.m.query(
      `UPDATE quarantine.isolations SET status = 'ENDED', end_reason = $2, ended_at = $3, needs_bed = false, updated_at = $3 WHERE id = $1`,
      [id, reason, at],
    );
    await this.m.query(
      `UPDATE quarantine.tests SET status = 'CANCELLED' WHERE isolation_id = $1 AND status = 'SCHEDULED'`,
      [id],
    );
    await this.m.query(`UPDATE quarantine.follow_ups SET status = 'CANCELLED' WHERE order_id = $1 AND status = 'DUE'`, [
      id,
    ]);
  }

  async insertTests(
    tests: { id: string; personId: string; isolationId: string; dueOn: string; day: number }[],
    at: Date,
  ): Promise<void> {
    if (tests.length === 0) return;
    await this.m.query(
      `INSERT INTO quarantine.tests (id, person_id, quarantine_id, isolation_id, purpose, due_on, day, status, scheduled_at)
       SELECT t.id, t.person_id, NULL, t.isolation_id, 'ISOLATION', t.due_on, t.day, 'SCHEDULED', $1
         FROM jsonb_to_recordset($2::jsonb) AS t(id uuid, person_id text, isolation_id uuid, due_on date, day int)`,
      [
        at,
        JSON.stringify(
          tests.map((t) => ({
            id: t.id,
            person_id: t.personId,
            isolation_id: t.isolationId,
            due_on: t.dueOn,
            day: t.day,
          })),
        ),
      ],
    );
  }

  /** Active isolations waiting for a bed, oldest first, locked (skipping those another pass holds). */
  async waitingForBeds(limit: number): Promise<Isolation[]> {
    const rows = await this.m.query(
      `SELECT ${ISOLATION_COLUMNS} FROM quarantine.isolations WHERE status = 'ACTIVE' AND needs_bed
        ORDER BY ordered_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(isolationFromRow);
  }

  async upsertFacility(f: { id: string; name: string; areaCode: string; capacity: number }, by: string, at: Date) {
    await this.m.query(
      `INSERT INTO quarantine.care_facilities (id, name, area_code, capacity, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, area_code = EXCLUDED.area_code, capacity = EXCLUDED.capacity,
         updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [f.id, f.name, f.areaCode, f.capacity, at, by],
    );
  }

  /** The configured facilities, for a database that has none of them yet (never overwrites an admin's change). */
  async seedFacilities(
    fs: { id: string; name: string; areaCode: string; capacity: number }[],
    at: Date,
  ): Promise<string[]> {
    const added: string[] = [];
    for (const f of fs) {
      const rows: { id: string }[] = await this.m.query(
        `INSERT INTO quarantine.care_facilities (id, name, area_code, capacity, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, 'config') ON CONFLICT (id) DO NOTHING RETURNING id`,
        [f.id, f.name, f.areaCode, f.capacity, at],
      );
      added.push(...rows.map((r) => r.id));
    }
    return added;
  }
}
