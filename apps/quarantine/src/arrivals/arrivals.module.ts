import { Module } from '@nestjs/common';
import { LevelsModule } from '../levels/levels.module';
import { QuarantinesModule } from '../quarantines/quarantines.module';
import { DecideArrivalKafkaController } from './decide-arrival/decide-arrival.kafka.controller';
import { ArrivalDecisionsStore } from './infrastructure/arrival-decisions.store';

/** Arrivals (issue 18): the rule of the origin's epidemic level, decided and published. */
@Module({
  imports: [LevelsModule, QuarantinesModule],
  controllers: [DecideArrivalKafkaController],
  providers: [ArrivalDecisionsStore],
})
export class ArrivalsModule {}
