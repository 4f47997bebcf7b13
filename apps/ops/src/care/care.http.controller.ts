import { isCalendarDate } from '@ct/contracts';
import { AreaScopes, CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { OpsErrors } from '../errors';
import { CareFiguresStore } from './care-figures.store';

@ApiTags('surveillance')
@Controller('stats/care')
export class CareHttpController {
  constructor(
    private readonly store: CareFiguresStore,
    private readonly scopes: AreaScopes,
  ) {}

  @Get()
  @Roles('ops', 'tracer')
  @ApiQuery({ name: 'day', required: false, description: 'Follow-ups due that day (YYYY-MM-DD, default today UTC)' })
  @ApiOperation({
    summary:
      'Care figures per area (care.v1): isolated at home / in facilities, waiting for a bed, beds occupied per facility, follow-ups done, unreachable, missed and lost of a day',
  })
  get(@CurrentPrincipal() who: Principal, @Query('day') day?: string) {
    if (day !== undefined && !isCalendarDate(day)) throw OpsErrors.invalidDay();
    const scope = this.scopes.of(who, { unscoped: ['ops'] });
    return this.store.figures(day ?? new Date().toISOString().slice(0, 10), scope.codes());
  }
}
