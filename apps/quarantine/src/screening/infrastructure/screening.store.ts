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

export interface GroupRequest {
  planId: string;
  round: number;
  requestId: string;
  dueOn: string;
  batches: number | null;
  resolvedAt: string | null;
}

/**
 * quarantine.screening_*: plans, their groups (fixed, or for VENUES plans everyone any round's
 * group held, in the order first found), rounds made and the tests of each round; for VENUES plans
 * the request of each round and the batches of its answer.
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

  /** The next round of a VENUES plan to ask tracing about. */
  async nextRequestRound(planId: string): Promise<number> {
    const [r] = await this.tx.manager.query(
      'SELECT COALESCE(max(round) + 1, 0)::int AS next FROM quarantine.screening_requests WHERE plan_id = $1',
      [planId],
    );
    return r.next as number;
  }

  async addRequest(
    planId: string,
    round: number,
    requestId: string,
    dueOn: string,
    since: Date,
    until: Date,
    at: Date,
  ) {
    await this.tx.manager.query(
      `INSERT INTO quarantine.screening_requests (plan_id, round, request_id, due_on, since, until, requested_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [planId, round, requestId, dueOn, since, until, at],
    );
  }

  async request(requestId: string): Promise<GroupRequest | null> {
    const [r] = await this.tx.manager.query(
      `SELECT plan_id, round, request_id, to_char(due_on, 'YYYY-MM-DD') AS due_on, batches, resolved_at
         FROM quarantine.screening_requests WHERE request_id = $1`,
      [requestId],
    );
    return r
      ? {
          planId: r.plan_id,
          round: r.round,
          requestId: r.request_id,
          dueOn: r.due_on,
          batches: r.batches,
          resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
        }
      : null;
  }

  /**
   * Keeps one batch of an answer (once: false when it was kept already) with its members, and
   * returns how many distinct batches of the request are in.
   */
  async addAnswerBatch(
    req: GroupRequest,
    batch: number,
    batches: number,
    truncated: boolean,
    personIds: string[],
    at: Date,
  ): Promise<{ fresh: boolean; received: number }> {
    const m = this.tx.manager;
    const fresh: unknown[] = await m.query(
      `INSERT INTO quarantine.screening_answer_batches (request_id, batch, received_at) VALUES ($1,$2,$3)
       ON CONFLICT DO NOTHING RETURNING batch`,
      [req.requestId, batch, at],
    );
    if (fresh.length === 0) return { fresh: false, received: -1 };
    await m.query(
      `INSERT INTO quarantine.screening_round_members (plan_id, round, person_id)
       SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`,
      [req.planId, req.round, personIds],
    );
    await m.query(
      'UPDATE quarantine.screening_requests SET batches = $2, truncated = truncated OR $3 WHERE request_id = $1',
      [req.requestId, batches, truncated],
    );
    const [r] = await m.query(
      'SELECT count(*)::int AS n FROM quarantine.screening_answer_batches WHERE request_id = $1',
      [req.requestId],
    );
    return { fresh: true, received: r.n as number };
  }

  /**
   * Marks a request answered, adds the round's people not yet in the plan's group (in the order
   * tracing gave, after those already there) and returns the round's group in the plan's order.
   */
  async resolveRound(req: GroupRequest, at: Date): Promise<string[]> {
    const m = this.tx.manager;
    await m.query('UPDATE quarantine.screening_requests SET resolved_at = $2 WHERE request_id = $1', [
      req.requestId,
      at,
    ]);
    await m.query(
      `INSERT INTO quarantine.screening_members (plan_id, position, person_id)
       SELECT $1, (SELECT COALESCE(max(position) + 1, 0) FROM quarantine.screening_members WHERE plan_id = $1)
                  + row_number() OVER (ORDER BY rm.person_id) - 1, rm.person_id
         FROM quarantine.screening_round_members rm
        WHERE rm.plan_id = $1 AND rm.round = $2
          AND NOT EXISTS (SELECT 1 FROM quarantine.screening_members sm WHERE sm.plan_id = $1 AND sm.person_id = rm.person_id)`,
      [req.planId, req.round],
    );
    const rows: { person_id: string }[] = await m.query(
      `SELECT sm.person_id FROM quarantine.screening_round_members rm
         JOIN quarantine.screening_members sm ON sm.plan_id = rm.plan_id AND sm.person_id = rm.person_id
        WHERE rm.plan_id = $1 AND rm.round = $2 ORDER BY sm.position`,
      [req.planId, req.round],
    );
    return rows.map((r) => r.person_id);
  }

  /** Rounds asked of tracing and not answered in full yet. */
  async pendingRequests(
    planId: string,
  ): Promise<{ round: number; dueOn: string; requestedAt: string; batchesReceived: number; batches: number | null }[]> {
    const rows: any[] = await this.tx.manager.query(
      `SELECT r.round, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.requested_at, r.batches,
              (SELECT count(*)::int FROM quarantine.screening_answer_batches b WHERE b.request_id = r.request_id) AS received
         FROM quarantine.screening_requests r WHERE r.plan_id = $1 AND r.resolved_at IS NULL ORDER BY r.round`,
      [planId],
    );
    return rows.map((r) => ({
      round: r.round,
      dueOn: r.due_on,
      requestedAt: new Date(r.requested_at).toISOString(),
      batchesReceived: r.received,
      batches: r.batches,
    }));
  }

  /** Per round of a VENUES plan: the group's size and whether tracing cut it short. */
  async roundGroups(planId: string): Promise<Map<number, { groupSize: number; truncated: boolean }>> {
    const rows: { round: number; n: number; truncated: boolean }[] = await this.tx.manager.query(
      `SELECT r.round, r.truncated,
              (SELECT count(*)::int FROM quarantine.screening_round_members m WHERE m.plan_id = r.plan_id AND m.round = r.round) AS n
         FROM quarantine.screening_requests r WHERE r.plan_id = $1 AND r.resolved_at IS NOT NULL`,
      [planId],
    );
    return new Map(rows.map((r) => [r.round, { groupSize: r.n, truncated: r.truncated }]));
  }
}
