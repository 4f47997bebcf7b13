import { Module } from '@nestjs/common';
import { SurveillanceModule } from '../surveillance/surveillance.module';
import { DeclareLevelHttpController } from './declare-level/declare-level.http.controller';
import { DeclareLevelService } from './declare-level/declare-level.service';
import { FollowLevelsKafkaController } from './follow-levels/follow-levels.kafka.controller';

/** Issue 18 (LevelChangesStore is provided by SurveillanceModule, whose level routes show it): declared levels and the level in force per area (assessed or declared, latest wins). */
@Module({
  imports: [SurveillanceModule],
  controllers: [DeclareLevelHttpController, FollowLevelsKafkaController],
  providers: [DeclareLevelService],
})
export class LevelsModule {}
