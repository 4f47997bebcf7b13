import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Body, Controller, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArrivalsService } from '../arrivals.service';
import { RegisterArrivalRequest } from './register-arrival.request.dto';

@ApiTags('arrivals')
@Controller('arrivals')
export class RegisterArrivalHttpController {
  constructor(private readonly arrivals: ArrivalsService) {}

  @Post()
  @Roles('tracer')
  @ApiOperation({
    summary:
      "Register a person arriving from another area; publishes ArrivalRegistered (quarantine decides by the origin's level)",
  })
  @ApiCreatedResponse({ description: 'The arrival, with the personId (generated for a new person)' })
  @ApiConflictResponse({ description: 'PERSON.DUPLICATE with existingPersonId: send that personId instead' })
  register(@CurrentPrincipal() who: Principal, @Body() body: RegisterArrivalRequest) {
    return this.arrivals.register(who, body);
  }
}
