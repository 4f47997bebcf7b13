import { Outbox } from '@ct/messaging';
import { PeriodicTask, returned, schedulePeriodic, TransactionHost, ServiceClock } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { QuarantineEnv } from '../../config';
import { localDay, QuarantinePolicy } from '../domain/policy';
import { Kind } from '../domain/quarantine';
import { endedHistory } from '../infrastructure/quarantine.rows';
import { QuarantineStore } from '../infrastructure/quarantine.store';
import { quarantineEnded } from '../quarantine.events';
import { QUARANTINE_POLICY } from '../quarantines.tokens';

export interface ReleasePassResult {
  today: string;
  released: number;
  sourceCleared: number;
  flaggedOverdue: number;
  overdue: number;
  markedMissed: number;
  dueToday: number;
  ms: number;
}

interface EndedRow {
  id: string;
  person_id: string;
  kind: Kind;
  ends_at: Date;
  facility_id: string | null;
}

// The exit test: the order's latest dated test not cancelled (a retest supersedes the test it repeats).
const EXIT_TEST = `LEFT JOIN LATERAL (
    SELECT t.status, t.result, t.due_on FROM quarantine.tests t
     WHERE t.quarantine_id = q.id AND t.status <> 'CANCELLED' AND t.due_on IS NOT NULL
     ORDER BY t.due_on DESC, t.scheduled_at DESC LIMIT 1) x ON true`;

/**
 * The durable timer: quarantine ends are rows in PostgreSQL (ends_at), and this pass, every
 * QUARANTINE_RELEASE_INTERVAL_SECONDS on every instance, applies `releaseOutcome` to all of them
 * at once in SQL: releases (COMPLETED), F2 watches of released F1s (SOURCE_CLEARED), overdue
 * flags, missed tests. Candidates are locked FOR UPDATE SKIP LOCKED and ended only WHERE status
 * is still ACTIVE, so concurrent passes never end one order twice and leave none behind (what one
 * skips, the other holds and ends). A crash before commit leaves everything for the next pass.
 */
@Injectable()
export class ReleaseQuarantinesJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ReleaseQuarantinesJob.name);
  private task?: PeriodicTask;

  constructor(
    private readonly tx: TransactionHost,
    private readonly store: QuarantineStore,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
    @Inject(QUARANTINE_POLICY) private readonly policy: QuarantinePolicy,
    @Inject(SERVICE_ENV) private readonly env: QuarantineEnv,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.env.QUARANTINE_RELEASE_INTERVAL_SECONDS;
    if (seconds <= 0) return;
    this.task = schedulePeriodic({
      everyMs: seconds * 1000,
      run: () => this.run(),
      onError: (err) => this.log.error(`release pass failed; next try in ${seconds} s: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  async run(): Promise<ReleasePassResult> {
    const started = Date.now();
    const now = this.clock.now();
    const today = localDay(now, this.policy.utcOffsetMinutes);
    const result = await this.tx.run(async (m) => {
      const released = returned<EndedRow>(
        await m.query(
          `WITH due AS (
           SELECT q.id FROM quarantine.quarantines q ${EXIT_TEST}
            WHERE q.status = 'ACTIVE' AND q.ends_at <= $1
              AND (q.kind = 'SELF_MONITORING' OR (x.status = 'RECORDED' AND x.result = 'NEGATIVE'))
            FOR UPDATE OF q SKIP LOCKED)
         UPDATE quarantine.quarantines q SET status = 'ENDED', end_reason = 'COMPLETED', ended_at = $1, overdue = false, updated_at = now()
           FROM due WHERE q.id = due.id AND q.status = 'ACTIVE'
         RETURNING q.id, q.person_id, q.kind, q.ends_at, q.facility_id`,
          [now],
        ),
      );
      const clearedSources = released.filter((r) => r.kind !== 'SELF_MONITORING').map((r) => r.person_id);
      const cleared: EndedRow[] = clearedSources.length
        ? returned<EndedRow>(
            await m.query(
              `WITH w AS (
               SELECT q.id FROM quarantine.quarantines q
                WHERE q.status = 'ACTIVE' AND q.kind = 'SELF_MONITORING' AND q.source_person_id = ANY($2::text[])
                FOR UPDATE SKIP LOCKED)
             UPDATE quarantine.quarantines q SET status = 'ENDED', end_reason = 'SOURCE_CLEARED', ended_at = $1, updated_at = now()
               FROM w WHERE q.id = w.id AND q.status = 'ACTIVE'
             RETURNING q.id, q.person_id, q.kind, q.ends_at, q.facility_id`,
              [now, clearedSources],
            ),
          )
        : [];
      const ended = [
        ...released.map((r) => ({ r, reason: 'COMPLETED' as const })),
        ...cleared.map((r) => ({ r, reason: 'SOURCE_CLEARED' as const })),
      ];
      if (ended.length) {
        await this.store.cancelScheduledTests(ended.map((e) => e.r.id));
        await this.store.endHistory(
          ended.map(({ r, reason }) =>
            endedHistory({ id: r.id, kind: r.kind, endsAt: r.ends_at, facilityId: r.facility_id }, reason),
          ),
          now,
        );
        const at = now.toISOString();
        const events = ended.map((e) => quarantineEnded({ id: e.r.id, personId: e.r.person_id }, e.reason, at, {}));
        await this.outbox.add(...events);
      }
      const flagged = returned(
        await m.query(
          `UPDATE quarantine.quarantines q SET overdue = true, updated_at = now()
           FROM (SELECT q.id FROM quarantine.quarantines q ${EXIT_TEST}
                  WHERE q.status = 'ACTIVE' AND q.kind <> 'SELF_MONITORING' AND NOT q.overdue AND q.ends_at <= $1
                    AND (x.due_on IS NULL OR (x.due_on < $2::date AND NOT (x.status = 'RECORDED' AND x.result = 'NEGATIVE')))) o
          WHERE q.id = o.id RETURNING q.id`,
          [now, today],
        ),
      );
      const missed = returned(
        await m.query(
          `UPDATE quarantine.tests SET missed = true WHERE status = 'SCHEDULED' AND due_on < $1::date AND NOT missed RETURNING id`,
          [today],
        ),
      );
      const [{ due, overdue }] = await m.query(
        `SELECT (SELECT count(*)::int FROM quarantine.tests WHERE status = 'SCHEDULED' AND due_on = $1::date) AS due,
                (SELECT count(*)::int FROM quarantine.quarantines WHERE status = 'ACTIVE' AND overdue) AS overdue`,
        [today],
      );
      return {
        today,
        released: released.length,
        sourceCleared: cleared.length,
        flaggedOverdue: flagged.length,
        overdue,
        markedMissed: missed.length,
        dueToday: due,
      };
    });
    const out = { ...result, ms: Date.now() - started };
    this.log.log(
      `release pass ${today}: released ${out.released}, F2 cleared ${out.sourceCleared}, newly overdue ${out.flaggedOverdue}, tests due ${out.dueToday} (${out.ms} ms)`,
    );
    return out;
  }
}
