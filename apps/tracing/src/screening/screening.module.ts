import { Module } from '@nestjs/common';
import { ScreeningGroupQueries } from './infrastructure/screening-group.queries';
import { VenueCategoryStore } from './infrastructure/venue-category.store';
import { ResolveScreeningGroupKafkaController } from './resolve-group/resolve-screening-group.kafka.controller';
import { SetVenueCategoriesHttpController } from './set-venue-categories/set-venue-categories.http.controller';

/**
 * Screening groups by venue (issue 18): venue categories set by staff, and the answer to a
 * screening plan's request for the people who checked in at some venues or categories.
 */
@Module({
  controllers: [SetVenueCategoriesHttpController, ResolveScreeningGroupKafkaController],
  providers: [VenueCategoryStore, ScreeningGroupQueries],
})
export class ScreeningModule {}
