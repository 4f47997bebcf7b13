import { CurrentPrincipal, Principal, ROLES, Roles } from '@ct/platform';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

@ApiTags('identity')
@Controller('me')
export class MeHttpController {
  @Get()
  @Roles(...ROLES)
  @ApiOperation({
    summary:
      'Who the bearer token says the caller is: account id (subject), roles and areas served, as the services read them',
  })
  me(@CurrentPrincipal() principal: Principal): Principal {
    return { subject: principal.subject, roles: principal.roles, areas: principal.areas };
  }
}
