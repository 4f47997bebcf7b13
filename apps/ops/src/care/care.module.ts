import { Module } from '@nestjs/common';
import { CareFiguresStore } from './care-figures.store';
import { CareHttpController } from './care.http.controller';
import { CareKafkaController } from './care.kafka.controller';

/** Care pathway figures (issue 16) for the dashboard: GET /stats/care, fed by care.v1. */
@Module({
  controllers: [CareHttpController, CareKafkaController],
  providers: [CareFiguresStore],
  exports: [CareFiguresStore],
})
export class CareFiguresModule {}
