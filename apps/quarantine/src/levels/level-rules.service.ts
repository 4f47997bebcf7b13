import { AreaCatalog } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { Order, PersonState } from '../quarantines/domain/quarantine';
import { QuarantinePolicy } from '../quarantines/domain/policy';
import { AppliedRule, appliedRule, KnownLevel, Level, LevelRules, nearestLevel } from './domain/level-rules';
import { AreaLevelsStore } from './infrastructure/area-levels.store';

export const LEVEL_RULES = Symbol('LEVEL_RULES');

/** The rules of one workflow run: an order keeps the rule it was made under, a new one takes its area's. */
export interface RunRules {
  /** The rule for a person's next decision, from the state the decider sees now. */
  forState(state: PersonState): AppliedRule;
  /** A new order made under `rule`: later decisions of the same run keep it. */
  remember(order: Order, rule: AppliedRule): void;
}

/**
 * Rules by epidemic level (issue 18): picks the QuarantinePolicy each decision runs under. A new
 * order takes the rule of the level in force for the person's area (their profile's; the nearest
 * area above it with a known level); an existing order keeps the rule it was made under (its level
 * is stored with it), so a level change alters the rule for new orders only. No level known: the
 * QUARANTINE_* settings (DEFAULT).
 */
@Injectable()
export class LevelRulesService {
  constructor(
    private readonly store: AreaLevelsStore,
    private readonly areas: AreaCatalog,
    @Inject(LEVEL_RULES) readonly rules: LevelRules,
  ) {}

  /** The rule of a level (e.g. an arrival's origin) over the base settings (QUARANTINE_*). */
  ruleOf(level: KnownLevel | null, base: QuarantinePolicy): AppliedRule {
    return appliedRule(this.rules, base, level);
  }

  /** The level in force for an area: its own, else the nearest above it; null when none is known. */
  async levelOf(areaCode: string | null): Promise<KnownLevel | null> {
    if (!areaCode) return null;
    const chain = this.areas.selfAndAncestors(areaCode);
    return nearestLevel(chain, await this.store.known(chain));
  }

  /** Loads what a run over these people needs (two statements, inside the run's transaction). */
  async prepare(states: ReadonlyMap<string, PersonState>, base: QuarantinePolicy): Promise<RunRules> {
    const list = [...states.values()];
    const chains = new Map<string, string[]>();
    for (const s of list) {
      const code = s.profile?.areaCode;
      if (code && !chains.has(code)) chains.set(code, this.areas.selfAndAncestors(code));
    }
    const known = await this.store.known([...new Set([...chains.values()].flat())]);
    const orderLevels = await this.store.orderLevels(list.flatMap((s) => (s.active ? [s.active.id] : [])));
    const byOrder = new Map<string, AppliedRule>();
    const ofArea = new Map<string | null, AppliedRule>();
    const forArea = (code: string | null): AppliedRule => {
      let r = ofArea.get(code);
      if (!r) ofArea.set(code, (r = this.ruleOf(code ? nearestLevel(chains.get(code) ?? [code], known) : null, base)));
      return r;
    };
    return {
      forState: (state) => {
        if (!state.active) return forArea(state.profile?.areaCode ?? null);
        const kept = byOrder.get(state.active.id);
        if (kept) return kept;
        return this.ruleOf(orderLevels.get(state.active.id) ?? null, base);
      },
      remember: (order, rule) => byOrder.set(order.id, rule),
    };
  }

  async recordApplied(rows: { orderId: string; rule: AppliedRule }[], at: Date): Promise<void> {
    await this.store.recordApplied(rows, at);
  }

  async levelChanged(
    eventId: string,
    c: { areaCode: string; level: Level; source: KnownLevel['source']; changedAt: string },
  ) {
    await this.store.addChange(eventId, c);
  }
}
