import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeclareLevelRequest } from './declare-level.request.dto';
import { DeclareLevelService } from './declare-level.service';

@ApiTags('surveillance')
@Controller()
export class DeclareLevelHttpController {
  constructor(private readonly service: DeclareLevelService) {}

  @Put('areas/:code/level')
  @Roles('admin')
  @ApiOperation({
    summary:
      "Declare an area's epidemic level for the committee (Resolution 128); published as EpidemicLevelChanged (source DECLARED), the assessed level stays beside it",
  })
  declare(@Param('code') code: string, @Body() body: DeclareLevelRequest, @CurrentPrincipal() who: Principal) {
    return this.service.declare(code, body.level, body.reason, who.subject);
  }
}
