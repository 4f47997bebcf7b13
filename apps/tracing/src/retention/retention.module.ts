import { Module } from '@nestjs/common';
import { VisitsModule } from '../visits/visits.module';
import { PurgeDerivedDataJob } from './purge-derived-data/purge-derived-data.job';

/**
 * Retention of what tracing derives from check-ins (contacts, exposure sites, late-data rows); the
 * check-ins themselves are the visit store's (visits/purge-expired-visits).
 */
@Module({
  imports: [VisitsModule],
  providers: [PurgeDerivedDataJob],
  exports: [PurgeDerivedDataJob],
})
export class RetentionModule {}
