import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PersonsService } from './persons.service';
import { RegisterPersonRequest } from './register-person/register-person.request.dto';
import { UpdatePersonRequest } from './update-person/update-person.request.dto';

export class LookupPersonQuery {
  @ApiPropertyOptional({ example: '0905123456' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  nationalId?: string;
}

/** Identity data: every call is written to the audit trail. */
@ApiTags('persons')
@Controller('persons')
export class PersonsHttpController {
  constructor(private readonly persons: PersonsService) {}

  @Post()
  @Roles('tracer')
  @ApiOperation({ summary: 'Register a person (identity data stays in this service); publishes PersonProfileChanged' })
  @ApiCreatedResponse({ description: 'The person, with the personId given or generated' })
  @ApiConflictResponse({ description: 'PERSON.DUPLICATE / PERSON.EXISTS with existingPersonId' })
  register(@CurrentPrincipal() who: Principal, @Body() body: RegisterPersonRequest) {
    return this.persons.register(who, body);
  }

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

  @Patch(':id')
  @Roles('tracer')
  @ApiOperation({
    summary: "Change a person's data; publishes PersonProfileChanged when area, vaccination or recovery changed",
  })
  update(@CurrentPrincipal() who: Principal, @Param('id') id: string, @Body() body: UpdatePersonRequest) {
    return this.persons.update(who, id, body);
  }
}
