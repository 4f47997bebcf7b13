import { createEvent } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { PeriodicTask, schedulePeriodic, ServiceClock, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QuarantineEnv } from '../../config';
import { localDay, QuarantinePolicy } from '../../quarantines/domain/policy';
import { QUARANTINE_POLICY } from '../../quarantines/quarantines.tokens';
import { membersOf, roundsDue } from '../domain/cadence';
import { ScreeningStore } from '../infrastructure/screening.store';

export interface RoundsPassResult {
  today: string;
  rounds: number;
  tests: number;
}

/**
 * The screening plans' durable timer: every QUARANTINE_SCREENING_INTERVAL_SECONDS (and when a plan
 * is made), each open plan makes the rounds due up to today that it has not made yet: one
 * SCREENING test per member of the round on the worklist (quarantine.tests) and its TestScheduled.
 * Each plan is locked while its rounds are made, so two instances never make a round twice. Members
 * with an open case are left out of a round (they are F0 already).
 */
@Injectable()
export class ScreeningRoundsJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ScreeningRoundsJob.name);
  private task?: PeriodicTask;

  constructor(
    private readonly tx: TransactionHost,
    private readonly store: ScreeningStore,
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
    const out = { today, rounds: 0, tests: 0 };
    for (const id of await this.tx.run(() => this.store.openPlanIds(today))) {
      const r = await this.tx.run(() => this.makeRounds(id));
      out.rounds += r.rounds;
      out.tests += r.tests;
    }
    return out;
  }

  /** Inside a transaction: the plan's rounds due and not made yet. */
  async makeRounds(planId: string): Promise<{ rounds: number; tests: number }> {
    const plan = await this.store.plan(planId, true);
    if (!plan) return { rounds: 0, tests: 0 };
    const now = this.clock.now();
    const due = roundsDue(plan.startsOn, plan.endsOn, plan.cadence, this.today(), await this.store.nextRound(planId));
    if (due.length === 0) return { rounds: 0, tests: 0 };
    const members = await this.store.members(planId);
    const open: { person_id: string }[] = await this.tx.manager.query(
      'SELECT person_id FROM quarantine.open_cases WHERE person_id = ANY($1::text[])',
      [members],
    );
    const cases = new Set(open.map((r) => r.person_id));
    let tests = 0;
    for (const { round, dueOn } of due) {
      const people = membersOf(members.length, plan.cadence, round)
        .map((i) => members[i])
        .filter((p) => !cases.has(p));
      const ids = people.map(() => randomUUID());
      await this.tx.manager.query(
        `INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, due_on, day, status, scheduled_at)
         SELECT id, pid, NULL, 'SCREENING', $3, NULL, 'SCHEDULED', $4 FROM unnest($1::uuid[], $2::text[]) AS t(id, pid)`,
        [ids, people, dueOn, now],
      );
      await this.store.addRound(planId, round, dueOn, ids, now);
      await this.outbox.add(
        ...people.map((personId, i) =>
          createEvent(
            'TestScheduled',
            {
              testId: ids[i],
              personId,
              quarantineId: null,
              dueOn,
              day: null,
              scheduledAt: now.toISOString(),
              purpose: 'SCREENING',
              screeningPlanId: planId,
            },
            { source: '/quarantine', time: now.toISOString() },
          ),
        ),
      );
      tests += people.length;
    }
    return { rounds: due.length, tests };
  }
}
