import { createEvent } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { PeriodicTask, schedulePeriodic, ServiceClock, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QuarantineEnv } from '../../config';
import { addDays, localDay, QuarantinePolicy } from '../../quarantines/domain/policy';
import { QUARANTINE_POLICY } from '../../quarantines/quarantines.tokens';
import { membersOf, roundsDue } from '../domain/cadence';
import { ScreeningRequestStore } from '../infrastructure/screening-request.store';
import { Plan, ScreeningStore } from '../infrastructure/screening.store';

export interface RoundsPassResult {
  today: string;
  rounds: number;
  tests: number;
  /** Rounds of VENUES plans asked of tracing (made when the answer is in). */
  requested: number;
}

/** groupSpec of a VENUES plan. */
export interface VenueGroupSpec {
  venueIds: string[];
  venueCategories: string[];
  venueSinceDays: number;
}

/**
 * The screening plans' durable timer: every QUARANTINE_SCREENING_INTERVAL_SECONDS (and when a plan
 * is made), each open plan makes the rounds due up to today that it has not made yet: one
 * SCREENING test per member of the round on the worklist (quarantine.tests) and its TestScheduled.
 * Each plan is locked while its rounds are made, so two instances never make a round twice. Members
 * with an open case are left out of a round (they are F0 already). A VENUES plan asks tracing for
 * each round's group instead; the round is made when the answer is in.
 */
@Injectable()
export class ScreeningRoundsJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ScreeningRoundsJob.name);
  private task?: PeriodicTask;

  constructor(
    private readonly tx: TransactionHost,
    private readonly store: ScreeningStore,
    private readonly requests: ScreeningRequestStore,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
    @Inject(QUARANTINE_POLICY) private readonly policy: QuarantinePolicy,
    @Inject(SERVICE_ENV) private readonly env: QuarantineEnv,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.env.QUARANTINE_SCREENING_INTERVAL_SECONDS;
    if (seconds <= 0) return;
    this.task = schedulePeriodic({
      everyMs: seconds * 1000,
      run: () => this.run(),
      onError: (err) => this.log.error(`screening rounds pass failed; next try in ${seconds} s: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  today(): string {
    return localDay(this.clock.now(), this.policy.utcOffsetMinutes);
  }

  async run(): Promise<RoundsPassResult> {
    const today = this.today();
    const out = { today, rounds: 0, tests: 0, requested: 0 };
    for (const id of await this.tx.run(() => this.store.openPlanIds(today))) {
      const r = await this.tx.run(() => this.makeRounds(id));
      out.rounds += r.rounds;
      out.tests += r.tests;
      out.requested += r.requested;
    }
    return out;
  }

  /** Inside a transaction: the plan's rounds due and not made yet (VENUES plans: asked of tracing). */
  async makeRounds(planId: string): Promise<{ rounds: number; tests: number; requested: number }> {
    const plan = await this.store.plan(planId, true);
    if (!plan) return { rounds: 0, tests: 0, requested: 0 };
    if (plan.groupKind === 'VENUES') return { rounds: 0, tests: 0, requested: await this.requestGroups(plan) };
    const now = this.clock.now();
    const due = roundsDue(plan.startsOn, plan.endsOn, plan.cadence, this.today(), await this.store.nextRound(planId));
    if (due.length === 0) return { rounds: 0, tests: 0, requested: 0 };
    const members = await this.store.members(planId);
    let tests = 0;
    for (const { round, dueOn } of due) tests += await this.scheduleRound(plan, round, dueOn, members, now);
    return { rounds: due.length, tests, requested: 0 };
  }

  /**
   * A VENUES plan's group is re-resolved for every round (who trades at the market this week, not
   * on the day the plan was made): each round due asks tracing once (ScreeningGroupRequested, its
   * row in screening_requests), for the check-ins of the venueSinceDays days before the end of the
   * round's day (or now, if sooner); the round is made when the whole answer is in
   * (ScreeningGroupAnswerKafkaController).
   */
  private async requestGroups(plan: Plan): Promise<number> {
    const spec = plan.groupSpec as unknown as VenueGroupSpec;
    const now = this.clock.now();
    const due = roundsDue(
      plan.startsOn,
      plan.endsOn,
      plan.cadence,
      this.today(),
      await this.requests.nextRequestRound(plan.id),
    );
    for (const { round, dueOn } of due) {
      const dayEnd = Date.parse(`${addDays(dueOn, 1)}T00:00:00Z`) - this.policy.utcOffsetMinutes * 60_000;
      const until = new Date(Math.min(now.getTime(), dayEnd));
      const since = new Date(until.getTime() - spec.venueSinceDays * 86_400_000);
      const requestId = randomUUID();
      await this.requests.addRequest(plan.id, round, requestId, dueOn, since, until, now);
      await this.outbox.add(
        createEvent(
          'ScreeningGroupRequested',
          {
            requestId,
            planId: plan.id,
            round,
            venueIds: spec.venueIds,
            venueCategories: spec.venueCategories,
            since: since.toISOString(),
            until: until.toISOString(),
            requestedAt: now.toISOString(),
          },
          { source: '/quarantine', time: now.toISOString() },
        ),
      );
    }
    return due.length;
  }

  /**
   * Inside a transaction, the plan locked: one round's SCREENING tests on the worklist and their
   * TestScheduled, for the round's share of `group` (everyone, or the rolling sample). Members with
   * an open case are left out (they are F0 already). Returns how many tests.
   */
  async scheduleRound(
    plan: Plan,
    round: number,
    dueOn: string,
    group: string[],
    now: Date,
    cause?: { correlationId: string; causationId: string },
  ): Promise<number> {
    const open: { person_id: string }[] = await this.tx.manager.query(
      'SELECT person_id FROM quarantine.open_cases WHERE person_id = ANY($1::text[])',
      [group],
    );
    const cases = new Set(open.map((r) => r.person_id));
    const people = membersOf(group.length, plan.cadence, round)
      .map((i) => group[i])
      .filter((p) => !cases.has(p));
    const ids = people.map(() => randomUUID());
    await this.tx.manager.query(
      `INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, due_on, day, status, scheduled_at)
       SELECT id, pid, NULL, 'SCREENING', $3, NULL, 'SCHEDULED', $4 FROM unnest($1::uuid[], $2::text[]) AS t(id, pid)`,
      [ids, people, dueOn, now],
    );
    await this.store.addRound(plan.id, round, dueOn, ids, now);
    for (let i = 0; i < people.length; i += 5000)
      await this.outbox.add(
        ...people.slice(i, i + 5000).map((personId, j) =>
          createEvent(
            'TestScheduled',
            {
              testId: ids[i + j],
              personId,
              quarantineId: null,
              dueOn,
              day: null,
              scheduledAt: now.toISOString(),
              purpose: 'SCREENING',
              screeningPlanId: plan.id,
            },
            { source: '/quarantine', time: now.toISOString(), ...cause },
          ),
        ),
      );
    return people.length;
  }
}
