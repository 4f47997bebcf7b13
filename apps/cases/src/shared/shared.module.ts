import { Module } from '@nestjs/common';
import { AreaAccess } from './infrastructure/area-access';

/** What every feature of the cases service uses: area-scoped access (the clock is the service core's ServiceClock). */
@Module({
  providers: [AreaAccess],
  exports: [AreaAccess],
})
export class SharedModule {}
