import { SERVICE_ENV } from '@ct/runtime';
import { Module } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { QuarantineEnv } from '../config';
import { parseLevelRules } from './domain/level-rules.parse';
import { FollowLevelsKafkaController } from './follow-levels/follow-levels.kafka.controller';
import { AreaLevelsStore } from './infrastructure/area-levels.store';
import { LEVEL_RULES, LevelRulesService } from './level-rules.service';

/** QUARANTINE_LEVEL_RULES_FILE read and checked once at boot; a bad file stops start-up. */
export function loadLevelRules(env: QuarantineEnv) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(env.QUARANTINE_LEVEL_RULES_FILE), 'utf8'));
  } catch (err) {
    throw new Error(`QUARANTINE_LEVEL_RULES_FILE ${env.QUARANTINE_LEVEL_RULES_FILE}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseLevelRules(raw);
}

/** Rules by epidemic level (issue 18): the level of each area and the rule a new order takes. */
@Module({
  controllers: [FollowLevelsKafkaController],
  providers: [
    AreaLevelsStore,
    LevelRulesService,
    { provide: LEVEL_RULES, inject: [SERVICE_ENV], useFactory: loadLevelRules },
  ],
  exports: [LevelRulesService, AreaLevelsStore],
})
export class LevelsModule {}
