import { Module } from '@nestjs/common';
import { LevelsModule } from '../levels/levels.module';
import { QuarantinesModule } from '../quarantines/quarantines.module';
import { QuarantineAreas } from '../quarantines/infrastructure/quarantine-areas';
import { CommitteeFiguresHttpController } from './committee-figures/committee-figures.http.controller';
import { CommitteeFiguresService } from './committee-figures/committee-figures.service';

/** GET /stats/committee (issue 18): rule in force, screening coverage and yield, arrivals by origin level. */
@Module({
  imports: [LevelsModule, QuarantinesModule],
  controllers: [CommitteeFiguresHttpController],
  providers: [CommitteeFiguresService, QuarantineAreas],
})
export class CommitteeModule {}
