import { CurrentPrincipal, Principal, Roles, UuidParam } from '@ct/platform';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ScreeningService } from '../screening.service';

@ApiTags('screening')
@Controller('screening-plans')
export class ViewPlanHttpController {
  constructor(private readonly screening: ScreeningService) {}

  @Get(':id')
  @Roles('quarantine', 'ops')
  @ApiOperation({
    summary: 'A plan with its rounds: coverage (tested / due / missed) and yield (positives per 1,000 tests)',
  })
  view(@CurrentPrincipal() who: Principal, @Param('id', new UuidParam()) id: string) {
    return this.screening.view(who, id);
  }
}
