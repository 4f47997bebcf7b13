import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AreaAccess, personNotFound } from '../../shared/infrastructure/area-access';
import { ConfirmCase } from './confirm-case.command';
import { ConfirmCaseRequest } from './confirm-case.request.dto';

@ApiTags('cases')
@Controller('cases')
export class ConfirmCaseHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly access: AreaAccess,
  ) {}

  @Post()
  @Roles('tracer')
  @ApiOperation({ summary: 'Confirm a case (F0) and open its investigation; publishes CaseConfirmed on cases.v1' })
  @ApiCreatedResponse({ description: 'The case was stored and CaseConfirmed queued in the outbox' })
  @ApiConflictResponse({ description: 'CASE.ALREADY_OPEN: the person already has an open case' })
  async confirm(@CurrentPrincipal() who: Principal, @Body() body: ConfirmCaseRequest) {
    // A person of another area reads as unknown; a case is only placed in an area the caller serves.
    const personArea = await this.access.personArea(body.personId);
    if (personArea !== null && !this.access.scope(who).covers(personArea)) throw personNotFound(body.personId);
    const target = body.areaCode ?? personArea;
    if (target !== null) this.access.requireTarget(who, target);
    return this.commands.execute(
      new ConfirmCase({
        personId: body.personId,
        confirmedAt: body.confirmedAt,
        symptomOnsetAt: body.symptomOnsetAt ?? null,
        sampleTakenAt: body.sampleTakenAt ?? null,
        testType: body.testType,
        origin: body.origin ?? 'INVESTIGATION',
        areaCode: body.areaCode,
      }),
    );
  }
}
