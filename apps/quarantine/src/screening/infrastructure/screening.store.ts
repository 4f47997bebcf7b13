import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { Cadence, RoundCounts } from '../domain/cadence';

export interface Plan {
  id: string;
  name: string;
  areaCode: string;
  groupKind: 'PERSONS' | 'ARRIVALS' | 'VENUES';
  groupSpec: Record<string, unknown>;
  testType: 'PCR' | 'RAPID_ANTIGEN';
  cadence: Cadence;
  startsOn: string;
  endsOn: string;
  createdBy: string;
  createdAt: string;
}

const PLAN = `id, name, area_code, group_kind, group_spec, test_type, cadence, to_char(starts_on, 'YYYY-MM-DD') AS starts_on,
  to_char(ends_on, 'YYYY-MM-DD') AS ends_on, created_by, created_at`;

function toPlan(r: any): Plan {
  return {
    id: r.id,
    name: r.name,
    areaCode: r.area_code,
    groupKind: r.group_kind,
    groupSpec: r.group_spec,
    testType: r.test_type,
    cadence: r.cadence,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/**
 * quarantine.screening_*: plans, their groups (fixed, or for VENUES plans everyone any round's
 * group held, in the order first found), rounds made and the tests of each round. The requests of
 * VENUES plans and their answers are ScreeningRequestStore's.
 */
@Injectable()
export class ScreeningStore {
  constructor(private readonly tx: TransactionHost) {}

  async insertPlan(p: Plan, members: string[]): Promise<void> {
    const m = this.tx.manager;
    await m.query(
      `INSERT INTO quarantine.screening_plans (id, name, area_code, group_kind, group_spec, test_type, cadence, starts_on, ends_on, created_by, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
      [
        p.id,
        p.name,
        p.areaCode,
        p.groupKind,
        JSON.stringify(p.groupSpec),
        p.testType,
        JSON.stringify(p.cadence),
        p.startsOn,
        p.endsOn,
        p.createdBy,
        p.createdAt,
      ],
    );
    await m.query(
      `INSERT INTO quarantine.screening_members (plan_id, position, person_id)
       SELECT $1, ord - 1, pid FROM unnest($2::text[]) WITH ORDINALITY AS t(pid, ord)`,
      [p.id, members],
    );
  }

  /** Persons registered as arrivals from these areas into `destinations` since `since` (the ARRIVALS group). */
  async arrivalsFrom(origins: string[], since: Date, destinations: string[]): Promise<string[]> {
    const rows: { person_id: string }[] = await this.tx.manager.query(
      `SELECT person_id FROM quarantine.arrivals WHERE origin_area_code = ANY($1::text[]) AND arrived_at >= $2
          AND destination_area_code = ANY($3::text[])
        GROUP BY person_id ORDER BY min(arrived_at), person_id`,
      [origins, since, destinations],
    );
    return rows.map((r) => r.person_id);
  }

  async plan(id: string, lock = false): Promise<Plan | null> {
    const [r] = await this.tx.manager.query(
      `SELECT ${PLAN} FROM quarantine.screening_plans WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return r ? toPlan(r) : null;
  }

  /** Plans still making rounds on `today`. */
  async openPlanIds(today: string): Promise<string[]> {
    const rows: { id: string }[] = await this.tx.manager.query(
      'SELECT id FROM quarantine.screening_plans WHERE ends_on >= $1 ORDER BY created_at, id',
      [today],
    );
    return rows.map((r) => r.id);
  }

  async members(planId: string): Promise<string[]> {
    const rows: { person_id: string }[] = await this.tx.manager.query(
      'SELECT person_id FROM quarantine.screening_members WHERE plan_id = $1 ORDER BY position',
      [planId],
    );
    return rows.map((r) => r.person_id);
  }

  async nextRound(planId: string): Promise<number> {
    const [r] = await this.tx.manager.query(
      'SELECT COALESCE(max(round) + 1, 0)::int AS next FROM quarantine.screening_rounds WHERE plan_id = $1',
      [planId],
    );
    return r.next as number;
  }

  /** Records a round and its tests (already inserted into quarantine.tests). */
  async addRound(planId: string, round: number, dueOn: string, testIds: string[], at: Date): Promise<void> {
    const m = this.tx.manager;
    await m.query('INSERT INTO quarantine.screening_rounds (plan_id, round, due_on, made_at) VALUES ($1,$2,$3,$4)', [
      planId,
      round,
      dueOn,
      at,
    ]);
    await m.query(
      'INSERT INTO quarantine.screening_tests (test_id, plan_id, round) SELECT unnest($1::uuid[]), $2, $3',
      [testIds, planId, round],
    );
  }

  /** Per round: due, tested, positives, and missed (due day before `today`, no result). */
  async counts(planId: string, today: string): Promise<RoundCounts[]> {
    const rows: any[] = await this.tx.manager.query(
      `SELECT r.round, to_char(r.due_on, 'YYYY-MM-DD') AS due_on,
              count(t.id) FILTER (WHERE t.status <> 'CANCELLED')::int AS due,
              count(t.id) FILTER (WHERE t.status = 'RECORDED')::int AS tested,
              count(t.id) FILTER (WHERE t.status = 'RECORDED' AND t.result = 'POSITIVE')::int AS positives,
              count(t.id) FILTER (WHERE t.status = 'SCHEDULED' AND t.due_on < $2::date)::int AS missed
         FROM quarantine.screening_rounds r
         LEFT JOIN quarantine.screening_tests st ON st.plan_id = r.plan_id AND st.round = r.round
         LEFT JOIN quarantine.tests t ON t.id = st.test_id
        WHERE r.plan_id = $1 GROUP BY r.round, r.due_on ORDER BY r.round`,
      [planId, today],
    );
    return rows.map((r) => ({
      round: r.round,
      dueOn: r.due_on,
      due: r.due,
      tested: r.tested,
      positives: r.positives,
      missed: r.missed,
    }));
  }
}
