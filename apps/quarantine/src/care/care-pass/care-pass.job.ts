import { randomUUID } from 'node:crypto';
import { EventEnvelope } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { PeriodicTask, returned, schedulePeriodic, ServiceClock, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { QuarantineEnv } from '../../config';
import { localDay, startOfDay } from '../../quarantines/domain/policy';
import { followUpMissed, isolationEnded, isolationTestScheduled } from '../care.events';
import { CARE_POLICY } from '../care.tokens';
import { addDays, CarePolicy, daysBetween } from '../domain/care-policy';
import { FollowUpStore } from '../infrastructure/follow-up.store';
import { isolationFromRow } from '../infrastructure/isolation.store';
import { FacilityBedsPublisher } from '../isolate-cases/facility-beds.publisher';
import { IsolationService } from '../isolate-cases/isolation.service';

export interface CarePassResult {
  today: string;
  released: number;
  retests: number;
  bedsAssigned: number;
  generated: number;
  missed: number;
  lost: number;
  ms: number;
  /** Where the time went: isolations (releases, retests, beds), generation, the missed pass (with its events), commits. */
  phasesMs: { isolations: number; generate: number; missed: number };
}

// An isolation's latest release test not cancelled (a retest supersedes the test it repeats).
const LAST_TEST = `LEFT JOIN LATERAL (
    SELECT t.id, t.status, t.result FROM quarantine.tests t
     WHERE t.isolation_id = i.id AND t.status <> 'CANCELLED' AND t.due_on IS NOT NULL
     ORDER BY t.due_on DESC, t.scheduled_at DESC LIMIT 1) x ON true`;

/**
 * The care pathway's durable timer (like the quarantine release pass): every CARE_PASS_INTERVAL_SECONDS
 * on every instance, set-based in SQL and idempotent: releases isolations past their minimum days
 * whose latest release test is negative, schedules a retest after a positive or inconclusive one,
 * gives free beds to people waiting, generates today's follow-ups, and marks earlier days' follow-ups
 * without a completed check as missed (FollowUpMissed; lost to follow-up after CARE_LOST_AFTER_DAYS).
 * Rows are locked FOR UPDATE SKIP LOCKED, so concurrent passes never act twice on one.
 */
@Injectable()
export class CarePassJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(CarePassJob.name);
  private task?: PeriodicTask;

  constructor(
    private readonly tx: TransactionHost,
    private readonly followUps: FollowUpStore,
    private readonly isolation: IsolationService,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
    @Inject(CARE_POLICY) private readonly policy: CarePolicy,
    @Inject(SERVICE_ENV) private readonly env: QuarantineEnv,
    private readonly beds: FacilityBedsPublisher,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.env.CARE_PASS_INTERVAL_SECONDS;
    if (seconds <= 0) return;
    this.task = schedulePeriodic({
      everyMs: seconds * 1000,
      run: () => this.run(),
      onError: (err) => this.log.error(`care pass failed; next try in ${seconds} s: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  async run(): Promise<CarePassResult> {
    const started = Date.now();
    // No JIT: these set-based statements over 100,000+ rows are planned above jit_above_cost, and
    // compiling them cost more than running them (over a second per statement in bench:care).
    const noJit = () => this.tx.manager.query('SET LOCAL jit = off');
    const isolations = await this.tx.run(async () => {
      await noJit();
      return this.isolations();
    });
    const isolationsMs = Date.now() - started;
    const followUps = await this.tx.run(async () => {
      await noJit();
      return this.dailyFollowUps();
    });
    const { generateMs, missedMs, ...figures } = followUps;
    const out = {
      ...isolations,
      ...figures,
      ms: Date.now() - started,
      phasesMs: { isolations: isolationsMs, generate: generateMs, missed: missedMs },
    };
    this.log.log(
      `care pass ${out.today}: released ${out.released}, retests ${out.retests}, beds ${out.bedsAssigned}, follow-ups +${out.generated}, missed ${out.missed} (lost ${out.lost}) (${out.ms} ms)`,
    );
    return out;
  }

  private async isolations() {
    const now = this.clock.now();
    const today = localDay(now, this.policy.utcOffsetMinutes);
    const m = this.tx.manager;
    const released = returned<Record<string, unknown>>(
      await m.query(
        `WITH due AS (
           SELECT i.id, x.id AS test_id FROM quarantine.isolations i ${LAST_TEST}
            WHERE i.status = 'ACTIVE' AND i.planned_end_on <= $2::date AND x.status = 'RECORDED' AND x.result = 'NEGATIVE'
            FOR UPDATE OF i SKIP LOCKED)
         UPDATE quarantine.isolations i SET status = 'ENDED', end_reason = 'RELEASED', ended_at = $1, needs_bed = false, updated_at = $1
           FROM due WHERE i.id = due.id AND i.status = 'ACTIVE'
         RETURNING i.id, i.person_id, i.case_id, i.area_code, i.kind, i.facility_id, i.needs_bed, i.escalated,
           to_char(i.first_day, 'YYYY-MM-DD') AS first_day, to_char(i.planned_end_on, 'YYYY-MM-DD') AS planned_end_on,
           i.test_days, i.from_quarantine_id, i.status, due.test_id`,
        [now, today],
      ),
    );
    const at = now.toISOString();
    const events: EventEnvelope[] = [];
    if (released.length) {
      const ids = released.map((r) => r.id as string);
      await m.query(
        `UPDATE quarantine.follow_ups SET status = 'CANCELLED' WHERE order_id = ANY($1::uuid[]) AND status = 'DUE'`,
        [ids],
      );
      await m.query(
        `UPDATE quarantine.tests SET status = 'CANCELLED' WHERE isolation_id = ANY($1::uuid[]) AND status = 'SCHEDULED'`,
        [ids],
      );
      for (const r of released)
        events.push(isolationEnded(isolationFromRow(r), 'RELEASED', r.test_id as string, at, {}));
    }
    // A release test is due when the minimum days are over and the latest test is not a negative
    // one: none yet (no test days configured), or a positive or inconclusive result (a retest).
    const retests: { id: string; person_id: string; first_day: string; last_status: string | null }[] = await m.query(
      `SELECT i.id, i.person_id, to_char(i.first_day, 'YYYY-MM-DD') AS first_day, x.status AS last_status
         FROM quarantine.isolations i ${LAST_TEST}
        WHERE i.status = 'ACTIVE' AND i.planned_end_on <= $1::date
          AND (x.id IS NULL OR (x.status = 'RECORDED' AND x.result <> 'NEGATIVE'))
        FOR UPDATE OF i SKIP LOCKED`,
      [today],
    );
    if (retests.length) {
      const tests = retests.map((r) => {
        const dueOn = r.last_status === null ? today : addDays(today, this.policy.retestAfterDays);
        return {
          id: randomUUID(),
          personId: r.person_id,
          isolationId: r.id,
          dueOn,
          day: daysBetween(r.first_day, dueOn),
        };
      });
      await m.query(
        `INSERT INTO quarantine.tests (id, person_id, quarantine_id, isolation_id, purpose, due_on, day, status, scheduled_at)
         SELECT t.id, t."personId", NULL, t."isolationId", 'ISOLATION', t."dueOn", t.day, 'SCHEDULED', $1
           FROM jsonb_to_recordset($2::jsonb) AS t(id uuid, "personId" text, "isolationId" uuid, "dueOn" date, day int)`,
        [now, JSON.stringify(tests)],
      );
      for (const t of tests) events.push(isolationTestScheduled(t, at, {}));
    }
    await this.outbox.add(...events);
    // One FacilityBedsChanged per facility for the whole pass: beds freed by releases, then given away.
    const touched = new Set(released.map((r) => r.facility_id as string | null).filter((f): f is string => f !== null));
    const bedsAssigned = await this.isolation.assignBeds({}, touched);
    await this.beds.changed(touched, {});
    return { today, released: released.length, retests: retests.length, bedsAssigned };
  }

  private async dailyFollowUps() {
    const now = this.clock.now();
    const p = this.policy;
    const today = localDay(now, p.utcOffsetMinutes);
    const dayEndsAt = startOfDay(addDays(today, 1), p.utcOffsetMinutes);
    let t = Date.now();
    const generated = await this.followUps.generate(today, dayEndsAt, now, p.checksPerDay, p.homeCaseChecksPerDay);
    const generateMs = Date.now() - t;
    t = Date.now();
    const missed = await this.followUps.markMissed(today);
    const at = now.toISOString();
    const lostIds: string[] = [];
    const events = missed.map((f) => {
      // Days without a completed check, up to today: since the last completed day, or since the first follow-up.
      const without = f.lastCompletedOn ? daysBetween(f.lastCompletedOn, today) - 1 : daysBetween(f.firstDueOn, today);
      const lost = without >= p.lostAfterDays;
      if (lost) lostIds.push(f.id);
      return followUpMissed(f, lost, at);
    });
    await this.followUps.flagLost(lostIds);
    await this.outbox.add(...events);
    return { generated, missed: missed.length, lost: lostIds.length, generateMs, missedMs: Date.now() - t };
  }
}
