import {
  CareEscalated,
  FollowUpMissed,
  HealthCheckRecorded,
  IsolationEnded,
  IsolationOrdered,
  IsolationTransferred,
} from '@ct/contracts';
import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/**
 * The care part of the person status read model (care.v1): the person's isolations and a summary of
 * their daily follow-up. care.v1 is keyed by personId, so a person's events arrive in order; each
 * write is idempotent (keyed by isolationId, or a last-writer-wins summary by the event's time).
 */
@Injectable()
export class CareStatusStore {
  constructor(private readonly tx: TransactionHost) {}

  private get m() {
    return this.tx.manager;
  }

  async ordered(e: IsolationOrdered): Promise<void> {
    await this.m.query(
      `INSERT INTO cases.status_isolations (isolation_id, person_id, case_id, area_code, kind, facility_id, needs_bed, first_day, planned_end_on, status, ordered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'ACTIVE', $10) ON CONFLICT (isolation_id) DO NOTHING`,
      [
        e.isolationId,
        e.personId,
        e.caseId,
        e.areaCode,
        e.kind,
        e.facilityId,
        e.needsBed,
        e.firstDay,
        e.plannedEndOn,
        e.orderedAt,
      ],
    );
  }

  async transferred(e: IsolationTransferred): Promise<void> {
    await this.m.query(
      `UPDATE cases.status_isolations SET kind = $2, facility_id = $3, needs_bed = $4 WHERE isolation_id = $1 AND status = 'ACTIVE'`,
      [e.isolationId, e.kind, e.facilityId, e.needsBed],
    );
  }

  async ended(e: IsolationEnded): Promise<void> {
    await this.m.query(
      `UPDATE cases.status_isolations SET status = 'ENDED', end_reason = $2, ended_at = $3, needs_bed = false WHERE isolation_id = $1`,
      [e.isolationId, e.reason, e.endedAt],
    );
  }

  private async summary(personId: string, at: string, set: string, params: unknown[]): Promise<void> {
    await this.m.query(
      `INSERT INTO cases.status_follow_ups (person_id, updated_at) VALUES ($1, $2) ON CONFLICT (person_id) DO NOTHING`,
      [personId, at],
    );
    await this.m.query(
      `UPDATE cases.status_follow_ups SET ${set}, updated_at = GREATEST(updated_at, $2) WHERE person_id = $1`,
      [personId, at, ...params],
    );
  }

  async check(e: HealthCheckRecorded): Promise<void> {
    const done = e.status === 'DONE';
    await this.summary(
      e.personId,
      e.recordedAt,
      `last_status = $3, last_check_on = CASE WHEN $4 THEN GREATEST(last_check_on, $5::date) ELSE last_check_on END,
       last_warning_signs = CASE WHEN $4 THEN $6::text[] ELSE last_warning_signs END,
       lost_to_follow_up = CASE WHEN $4 THEN false ELSE lost_to_follow_up END`,
      [e.status, done, e.dueOn, e.warningSigns],
    );
  }

  async missed(e: FollowUpMissed): Promise<void> {
    await this.summary(e.personId, e.missedAt, 'lost_to_follow_up = lost_to_follow_up OR $3', [e.lostToFollowUp]);
  }

  async escalated(e: CareEscalated): Promise<void> {
    await this.summary(e.personId, e.escalatedAt, 'escalations = escalations + 1, last_escalation = $3', [e.to]);
  }

  async of(personId: string) {
    const [iso] = await this.m.query(
      `SELECT isolation_id AS "isolationId", case_id AS "caseId", kind, facility_id AS "facilityId", needs_bed AS "needsBed",
              to_char(first_day, 'YYYY-MM-DD') AS "firstDay", to_char(planned_end_on, 'YYYY-MM-DD') AS "plannedEndOn", status,
              end_reason AS "endReason", ended_at AS "endedAt"
         FROM cases.status_isolations WHERE person_id = $1 ORDER BY ordered_at DESC LIMIT 1`,
      [personId],
    );
    const [f] = await this.m.query(
      `SELECT to_char(last_check_on, 'YYYY-MM-DD') AS "lastCheckOn", last_status AS "lastStatus", last_warning_signs AS "lastWarningSigns",
              lost_to_follow_up AS "lostToFollowUp", escalations, last_escalation AS "lastEscalation"
         FROM cases.status_follow_ups WHERE person_id = $1`,
      [personId],
    );
    return { isolation: iso ?? null, followUp: f ?? null };
  }
}
