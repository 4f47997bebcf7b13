import { Module } from '@nestjs/common';
import { SubmitCheckInsHandler } from './submit-check-ins/submit-check-ins.handler';
import { SubmitCheckInsHttpController } from './submit-check-ins/submit-check-ins.http.controller';

/** HTTP intake of check-ins for feeds that cannot produce to Kafka. */
@Module({
  controllers: [SubmitCheckInsHttpController],
  providers: [SubmitCheckInsHandler],
})
export class CheckInsModule {}
