import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Body, Controller, Param, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PersonsService } from '../persons.service';
import { UpdatePersonRequest } from './update-person.request.dto';

/** Identity data: every change is written to the audit trail. */
@ApiTags('persons')
@Controller('persons')
export class UpdatePersonHttpController {
  constructor(private readonly persons: PersonsService) {}

  @Patch(':id')
  @Roles('tracer')
  @ApiOperation({
    summary: "Change a person's data; publishes PersonProfileChanged when area, vaccination or recovery changed",
  })
  update(@CurrentPrincipal() who: Principal, @Param('id') id: string, @Body() body: UpdatePersonRequest) {
    return this.persons.update(who, id, body);
  }
}
