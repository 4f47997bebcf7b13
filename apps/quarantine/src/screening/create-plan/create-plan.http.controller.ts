import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Body, Controller, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ScreeningService } from '../screening.service';
import { CreateScreeningPlanRequest } from './create-plan.request.dto';

@ApiTags('screening')
@Controller('screening-plans')
export class CreatePlanHttpController {
  constructor(private readonly screening: ScreeningService) {}

  @Post()
  @Roles('quarantine')
  @ApiOperation({
    summary:
      'Create a screening plan (group, test type, cadence, area, end); each round puts SCREENING tests on the worklist (TestScheduled)',
  })
  create(@CurrentPrincipal() who: Principal, @Body() body: CreateScreeningPlanRequest) {
    return this.screening.create(who, body);
  }
}
