import { Module } from '@nestjs/common';
import { AreaAccess } from './infrastructure/area-access';
import { BatchInbox } from './infrastructure/batch-inbox';

/** What every feature of the cases service uses: area-scoped access (the clock is the service core's ServiceClock). */
@Module({
  providers: [AreaAccess, BatchInbox],
  exports: [AreaAccess, BatchInbox],
})
export class SharedModule {}
