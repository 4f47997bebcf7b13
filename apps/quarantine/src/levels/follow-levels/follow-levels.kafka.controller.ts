import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { LevelRulesService } from '../level-rules.service';

/**
 * EpidemicLevelChanged (surveillance.v1, assessed or declared): the area's level history. The level
 * in force is the latest by changedAt, so a late or repeated event changes nothing; orders already
 * made keep their rule.
 */
@Controller()
export class FollowLevelsKafkaController {
  constructor(private readonly levels: LevelRulesService) {}

  @HandleEvent('EpidemicLevelChanged')
  async onLevelChanged(e: EventEnvelope<'EpidemicLevelChanged'>): Promise<void> {
    const p = e.payload;
    await this.levels.levelChanged(e.meta.id, {
      areaCode: p.areaCode,
      level: p.level,
      source: p.source ?? 'ASSESSED',
      changedAt: p.changedAt,
    });
  }
}
