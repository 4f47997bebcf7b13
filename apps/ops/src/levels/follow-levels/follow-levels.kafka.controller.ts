import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { LevelChangesStore } from '../infrastructure/level-changes.store';

/**
 * ops reads back its own surveillance.v1 (consumer group `ops`) so that the level in force is the
 * one every consumer sees: assessed changes land here as published; a declaration was written when
 * it was made and its redelivery changes nothing.
 */
@Controller()
export class FollowLevelsKafkaController {
  constructor(private readonly changes: LevelChangesStore) {}

  @HandleEvent('EpidemicLevelChanged')
  async onLevelChanged(e: EventEnvelope<'EpidemicLevelChanged'>): Promise<void> {
    const p = e.payload;
    await this.changes.add({
      eventId: e.meta.id,
      areaCode: p.areaCode,
      level: p.level,
      previousLevel: p.previousLevel,
      source: p.source ?? 'ASSESSED',
      reason: p.reason ?? null,
      assessedLevel: p.assessedLevel ?? (p.source === 'DECLARED' ? null : p.level),
      declaredBy: null,
      changedAt: p.changedAt,
    });
  }
}
