import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PersonsService } from '../persons.service';
import { LookupPersonQuery } from './lookup-person.query.dto';

/** Identity data: every read is written to the audit trail. */
@ApiTags('persons')
@Controller('persons')
export class FindPersonsHttpController {
  constructor(private readonly persons: PersonsService) {}

  @Get()
  @Roles('tracer')
  @ApiOperation({ summary: 'Find persons by phone number (any Vietnamese form) or national ID number' })
  lookup(@CurrentPrincipal() who: Principal, @Query() q: LookupPersonQuery) {
    return this.persons.lookup(who, q);
  }

  @Get(':id')
  @Roles('tracer')
  @ApiOperation({ summary: "A person's identity data" })
  get(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    return this.persons.get(who, id);
  }
}
