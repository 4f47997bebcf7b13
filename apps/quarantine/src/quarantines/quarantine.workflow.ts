import { EventMeta } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { TransactionHost, ServiceClock } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Facility, localDay, QuarantinePolicy } from './domain/policy';
import { Command, decide, Decision, DecisionContext, evolve, occupancyChange, PersonState } from './domain/quarantine';
import { QuarantineStore } from './infrastructure/quarantine.store';
import { Decided, effectsOf } from './quarantine.effects';
import { EventCause } from './quarantine.events';
import { FACILITIES, QUARANTINE_POLICY } from './quarantines.tokens';
import { AppliedRule } from '../levels/domain/level-rules';
import { LevelRulesService } from '../levels/level-rules.service';

/** What caused a change: the event consumed (its id and correlation) or a staff request. */
export interface Cause extends EventCause {
  /** Free text kept in the history (cancel reason, who changed eligibility). */
  note?: string;
}

export function causeOf(meta: Pick<EventMeta, 'id' | 'correlationId'>): Cause {
  return { correlationId: meta.correlationId, causationId: meta.id };
}

/**
 * The application layer: loads people's state set-based, runs the pure decider for each command
 * in order (evolving the in-memory state, so one batch can hold several events of one person),
 * then writes every effect with a handful of set-based statements (QuarantineStore.write) and
 * queues the events (quarantine.events.ts) in the outbox, all in the caller's transaction.
 */
@Injectable()
export class QuarantineWorkflow {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: QuarantineStore,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
    @Inject(QUARANTINE_POLICY) private readonly policy: QuarantinePolicy,
    @Inject(FACILITIES) private readonly facilities: Facility[],
    private readonly levels: LevelRulesService,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  today(): string {
    return localDay(this.clock.now(), this.policy.utcOffsetMinutes);
  }

  /**
   * Runs commands (person, command, cause) in order inside the current transaction. Each decision
   * runs under its rule by level (levels/): an order's own, else its area's in force; `rule` (an
   * arrival's origin level) replaces the area's for a new order.
   */
  async run(commands: { personId: string; command: Command; cause: Cause; rule?: AppliedRule }[]): Promise<Decision[]> {
    if (commands.length === 0) return [];
    return this.tx.run(async () => {
      const states = await this.store.states(commands.map((c) => c.personId));
      const occupied = await this.store.occupancy();
      const rules = await this.levels.prepare(states, this.policy);
      const applied: { orderId: string; rule: AppliedRule }[] = [];
      const now = this.clock.now();
      const ctx: DecisionContext = {
        now,
        policy: this.policy,
        facilities: this.facilities,
        occupied,
        newId: randomUUID,
      };
      const out: Decided[] = [];
      for (const { personId, command, cause, rule: given } of commands) {
        let state: PersonState = states.get(personId)!;
        const rule = (!state.active && given) || rules.forState(state);
        for (const decision of decide(command, state, { ...ctx, policy: rule.policy })) {
          out.push({ decision, cause, before: state.active });
          if (decision.type === 'Ordered') {
            rules.remember(decision.order, rule);
            applied.push({ orderId: decision.order.id, rule });
          }
          for (const [f, n] of occupancyChange(state.active, decision)) occupied.set(f, (occupied.get(f) ?? 0) + n);
          state = evolve(state, decision);
        }
        states.set(personId, state);
      }
      const effects = effectsOf(out, now, randomUUID);
      await this.store.write(effects, now);
      await this.levels.recordApplied(applied, now);
      await this.outbox.add(...effects.events);
      return out.map((o) => o.decision);
    });
  }
}
