import { CurrentPrincipal, Principal, Roles, ServiceClock, TransactionHost } from '@ct/platform';
import { Body, Controller, HttpCode, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { VenueCategoryStore } from '../infrastructure/venue-category.store';
import { SetVenueCategoriesRequest } from './set-venue-categories.request.dto';

@ApiTags('venues')
@Controller('venues')
export class SetVenueCategoriesHttpController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: VenueCategoryStore,
    private readonly clock: ServiceClock,
  ) {}

  @Put()
  @HttpCode(200)
  // Admins only: venues carry no area here, so a tracer of one district could reclassify another's.
  @Roles('admin')
  @ApiOperation({
    summary:
      'Set the category of venues (e.g. WHOLESALE_MARKET), so screening plans can name a category (a venue has one; the last write wins)',
  })
  async set(@CurrentPrincipal() who: Principal, @Body() body: SetVenueCategoriesRequest) {
    // One row per venue: the last item of the request wins for a venue named twice.
    const byVenue = new Map(body.venues.map((v) => [v.venueId, v.category]));
    const updated = await this.tx.run(() => this.store.set(byVenue, who.subject, this.clock.now()));
    return { updated };
  }
}
