import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Body, Controller, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PersonsService } from '../persons.service';
import { RegisterPersonRequest } from './register-person.request.dto';

/** Identity data: every call is written to the audit trail. */
@ApiTags('persons')
@Controller('persons')
export class RegisterPersonHttpController {
  constructor(private readonly persons: PersonsService) {}

  @Post()
  @Roles('tracer')
  @ApiOperation({ summary: 'Register a person (identity data stays in this service); publishes PersonProfileChanged' })
  @ApiCreatedResponse({ description: 'The person, with the personId given or generated' })
  @ApiConflictResponse({ description: 'PERSON.DUPLICATE / PERSON.EXISTS with existingPersonId' })
  register(@CurrentPrincipal() who: Principal, @Body() body: RegisterPersonRequest) {
    return this.persons.register(who, body);
  }
}
