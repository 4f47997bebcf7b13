import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module';
import { SharedModule } from '../shared/shared.module';
import { ArrivalsService } from './arrivals.service';
import { ImportArrivalsHttpController } from './import-arrivals/import-arrivals.http.controller';
import { ArrivalStore } from './infrastructure/arrival-store';
import { RegisterArrivalHttpController } from './register-arrival/register-arrival.http.controller';

/** People arriving from other areas (issue 18): POST /arrivals, POST /arrivals.csv; ArrivalRegistered. */
@Module({
  imports: [SharedModule, PersonsModule],
  controllers: [RegisterArrivalHttpController, ImportArrivalsHttpController],
  providers: [ArrivalStore, ArrivalsService],
})
export class ArrivalsModule {}
