import { CurrentPrincipal, Principal, Roles, UuidParam } from '@ct/platform';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeclareContactHandler } from './declare-contact.handler';
import { DeclareContactRequest } from './declare-contact.request.dto';
import { AreaAccess } from '../../shared/infrastructure/area-access';

/**
 * POST /cases/:id/contacts declares; the contact graph (GET /cases/:id/contacts) belongs to the
 * tracing service, so the declarations are listed at /cases/:id/declared-contacts.
 */
@ApiTags('investigations')
@Controller('cases/:id')
export class DeclareContactHttpController {
  constructor(
    private readonly contacts: DeclareContactHandler,
    private readonly access: AreaAccess,
  ) {}

  @Post('contacts')
  @Roles('tracer')
  @ApiOperation({ summary: 'Record a named contact (existing personId or new person); publishes ContactDeclared' })
  @ApiCreatedResponse({ description: 'The declaration' })
  @ApiConflictResponse({
    description: 'CONTACT.ALREADY_DECLARED, PERSON.DUPLICATE (with existingPersonId), CASE.NOT_OPEN',
  })
  async declare(
    @CurrentPrincipal() who: Principal,
    @Param('id', new UuidParam()) id: string,
    @Body() body: DeclareContactRequest,
  ) {
    // Only on a case of the caller's areas (else 404); the contact may live anywhere.
    await this.access.requireCase(who, id);
    return this.contacts.declare(who, id, body);
  }

  @Get('declared-contacts')
  @Roles('tracer')
  @ApiOperation({ summary: "The contacts named in the case's investigation" })
  async list(@CurrentPrincipal() who: Principal, @Param('id', new UuidParam()) id: string) {
    await this.access.requireCase(who, id);
    return this.contacts.list(id);
  }
}
