import { Module } from '@nestjs/common';
import { QuarantinesModule } from '../quarantines/quarantines.module';
import { QuarantineAreas } from '../quarantines/infrastructure/quarantine-areas';
import { CreatePlanHttpController } from './create-plan/create-plan.http.controller';
import { ScreeningRequestStore } from './infrastructure/screening-request.store';
import { ScreeningStore } from './infrastructure/screening.store';
import { RunRoundsHttpController } from './run-rounds/run-rounds.http.controller';
import { ScreeningRoundsJob } from './run-rounds/screening-rounds.job';
import { ScreeningGroupAnswerKafkaController } from './resolve-group/screening-group-answer.kafka.controller';
import { ScreeningService } from './screening.service';
import { ViewPlanHttpController } from './view-plan/view-plan.http.controller';

/** Screening plans for risk groups (issue 18): rounds of SCREENING tests on the worklist, coverage, yield. */
@Module({
  imports: [QuarantinesModule],
  // rounds-pass before :id (POST vs GET, but keep the literal route first).
  controllers: [
    RunRoundsHttpController,
    CreatePlanHttpController,
    ViewPlanHttpController,
    ScreeningGroupAnswerKafkaController,
  ],
  providers: [ScreeningStore, ScreeningRequestStore, ScreeningRoundsJob, ScreeningService, QuarantineAreas],
  exports: [ScreeningStore],
})
export class ScreeningModule {}
