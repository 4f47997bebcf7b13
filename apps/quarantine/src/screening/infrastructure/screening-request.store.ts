import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

export interface GroupRequest {
  planId: string;
  round: number;
  requestId: string;
  dueOn: string;
  batches: number | null;
  resolvedAt: string | null;
}

/**
 * quarantine.screening_requests and what answers them, for VENUES plans: the request of each round
 * to tracing, the batches of its answer (screening_answer_batches) and the round's group they carry
 * (screening_round_members), merged into the plan's group (screening_members) once complete.
 */
@Injectable()
export class ScreeningRequestStore {
  constructor(private readonly tx: TransactionHost) {}

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
