import { createEvent, EventEnvelope } from '@ct/contracts';
import { BatchInbox, HandleEvent, Outbox } from '@ct/messaging';
import { ServiceClock } from '@ct/platform';
import { Controller, Inject } from '@nestjs/common';
import { AppliedRule } from '../../levels/domain/level-rules';
import { LevelRulesService } from '../../levels/level-rules.service';
import { QuarantinePolicy } from '../../quarantines/domain/policy';
import { causeOf, QuarantineWorkflow } from '../../quarantines/quarantine.workflow';
import { QUARANTINE_POLICY } from '../../quarantines/quarantines.tokens';
import { ArrivalDecisionsStore } from '../infrastructure/arrival-decisions.store';

/**
 * ArrivalRegistered (cases.v1) → the rule of the origin's epidemic level in force (its own, else the
 * nearest area above it; none known: NONE), from the levels file's `arrivals`: QUARANTINE like an
 * F1, FOLLOW_UP (self-monitoring with tests) or NONE. The decision, the level it used and the order
 * are recorded and published (ArrivalDecided, quarantine.v1), with the order's events if any.
 * cases.v1 is consumed in batch mode (see FollowCasesKafkaController): arrivals come as arrays and
 * are decided one at a time, in order.
 */
@Controller()
export class DecideArrivalKafkaController {
  constructor(
    private readonly levels: LevelRulesService,
    private readonly workflow: QuarantineWorkflow,
    private readonly store: ArrivalDecisionsStore,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
    @Inject(QUARANTINE_POLICY) private readonly base: QuarantinePolicy,
    private readonly inbox: BatchInbox,
  ) {}

  @HandleEvent('ArrivalRegistered', { batch: true })
  async onArrivals(events: EventEnvelope<'ArrivalRegistered'>[]): Promise<void> {
    await this.inbox.eachFresh(events, (e) => this.onArrival(e));
  }

  private async onArrival(e: EventEnvelope<'ArrivalRegistered'>): Promise<void> {
    const a = e.payload;
    if (await this.store.exists(a.arrivalId)) return;
    const level = await this.levels.levelOf(a.originAreaCode);
    const arrival = level ? this.levels.rules.arrivals[level.level] : { action: 'NONE' as const };
    const applied = this.levels.ruleOf(level, this.base);
    const where = level ? `level ${level.level} (${level.source}, area ${level.areaCode})` : 'no known level';
    const followUp = { days: arrival.days ?? 0, testDays: arrival.testDays ?? [] };
    const rule: AppliedRule = {
      ...applied,
      name:
        arrival.action === 'FOLLOW_UP'
          ? `arrival from ${where}: follow-up ${followUp.days} days, tests ${followUp.testDays.join(',') || 'none'}`
          : arrival.action === 'QUARANTINE'
            ? `arrival from ${applied.name}`
            : `arrival from ${where}: no measure`,
    };
    let quarantineId: string | null = null;
    if (arrival.action !== 'NONE') {
      const decisions = await this.workflow.run([
        {
          personId: a.personId,
          cause: causeOf(e.meta),
          rule,
          command: {
            type: 'Arrive',
            arrivalId: a.arrivalId,
            arrivedAt: new Date(a.arrivedAt),
            action: arrival.action,
            followUp,
          },
        },
      ]);
      const made = decisions.find((d) => d.type === 'Ordered' || d.type === 'Extended' || d.type === 'Transferred');
      quarantineId = made && 'order' in made ? made.order.id : null;
    }
    const decidedAt = this.clock.now().toISOString();
    const decided = {
      arrivalId: a.arrivalId,
      personId: a.personId,
      originAreaCode: a.originAreaCode,
      destinationAreaCode: a.destinationAreaCode,
      arrivedAt: a.arrivedAt,
      originLevel: level?.level ?? null,
      levelSource: level?.source ?? null,
      action: arrival.action,
      quarantineId,
      rule: rule.name.slice(0, 500),
      decidedAt,
    };
    await this.store.insert(decided);
    await this.outbox.add(
      createEvent('ArrivalDecided', decided, {
        source: '/quarantine',
        correlationId: e.meta.correlationId,
        causationId: e.meta.id,
        time: decidedAt,
      }),
    );
  }
}
