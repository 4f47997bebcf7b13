import { Module } from '@nestjs/common';
import { CASES_CLOCK, systemClock } from './domain/clock';
import { AreaAccess } from './infrastructure/area-access';

/** What every feature of the cases service uses: area-scoped access and the clock. */
@Module({
  providers: [AreaAccess, { provide: CASES_CLOCK, useValue: systemClock }],
  exports: [AreaAccess, CASES_CLOCK],
})
export class SharedModule {}
