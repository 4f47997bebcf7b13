import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PersonErasure } from './person-erasure';

@ApiTags('persons')
@Controller('persons')
export class ErasePersonHttpController {
  constructor(private readonly erasure: PersonErasure) {}

  @Post('erasure-pass')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Erase now every person nobody has followed for PERSON_ERASURE_AFTER_DAYS (what the periodic pass does)',
  })
  pass() {
    return this.erasure.pass();
  }

  @Post(':id/erase')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      "Erase a person's identity fields (name, phone, ID number, birth date, address) and investigation notes; personId and profile stay; audited",
  })
  @ApiConflictResponse({
    description:
      'PERSON.NOT_ERASABLE: an open case, a quarantine not ended, or activity within PERSON_ERASURE_AFTER_DAYS',
  })
  erase(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    return this.erasure.erase(who, id);
  }
}
