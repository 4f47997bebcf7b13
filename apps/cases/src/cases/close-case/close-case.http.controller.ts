import { CurrentPrincipal, Principal, Roles, UuidParam } from '@ct/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AreaAccess } from '../../shared/infrastructure/area-access';
import { CloseCaseHandler } from './close-case.handler';
import { CloseCaseRequest } from './close-case.request.dto';

@ApiTags('cases')
@Controller('cases')
export class CloseCaseHttpController {
  constructor(
    private readonly closing: CloseCaseHandler,
    private readonly access: AreaAccess,
  ) {}

  @Post(':id/close')
  @HttpCode(200)
  @Roles('tracer')
  @ApiOperation({ summary: 'Close a case (recovered | deceased); publishes CaseClosed' })
  async close(
    @CurrentPrincipal() who: Principal,
    @Param('id', new UuidParam()) id: string,
    @Body() body: CloseCaseRequest,
  ) {
    await this.access.requireCase(who, id);
    return this.closing.run(id, body);
  }
}
