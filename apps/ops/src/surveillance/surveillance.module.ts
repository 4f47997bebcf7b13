import { SERVICE_ENV } from '@ct/runtime';
import { Module } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OpsEnv } from '../config';
import { AreaLevels, LEVEL_THRESHOLDS } from './area-levels';
import { DEFAULT_THRESHOLDS, LevelThresholds, validateThresholds } from './domain/level';
import { ExposureRetentionJob } from './exposure-retention.job';
import { ExposureStore } from './infrastructure/exposure.store';
import { SurveillanceHttpController } from './surveillance.http.controller';
import { SurveillanceKafkaController } from './surveillance.kafka.controller';
import { SurveillanceService } from './surveillance.service';
import { LevelChangesStore } from '../levels/infrastructure/level-changes.store';
import { CareFiguresModule } from '../care/care.module';

function loadThresholds(env: OpsEnv): LevelThresholds {
  if (!env.LEVEL_THRESHOLDS_FILE) return DEFAULT_THRESHOLDS;
  const t = {
    ...DEFAULT_THRESHOLDS,
    ...JSON.parse(readFileSync(resolve(env.LEVEL_THRESHOLDS_FILE), 'utf8')),
  } as LevelThresholds;
  const problems = validateThresholds(t);
  if (problems.length) throw new Error(`LEVEL_THRESHOLDS_FILE: ${problems.join('; ')}`);
  return t;
}

@Module({
  imports: [CareFiguresModule],
  controllers: [SurveillanceHttpController, SurveillanceKafkaController],
  providers: [
    SurveillanceService,
    AreaLevels,
    LevelChangesStore,
    ExposureStore,
    ExposureRetentionJob,
    { provide: LEVEL_THRESHOLDS, useFactory: loadThresholds, inject: [SERVICE_ENV] },
  ],
  exports: [SurveillanceService, LevelChangesStore],
})
export class SurveillanceModule {}
