import { CurrentPrincipal, Principal, Roles, UuidParam } from '@ct/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CloseCaseHandler, CloseCaseRequest } from './close-case/close-case.handler';
import { ConfirmCase } from './confirm-case/confirm-case.command';
import { ConfirmCaseRequest } from './confirm-case/confirm-case.request.dto';
import { caseView } from './infrastructure/case.entity';
import { ListCases, ListCasesQuery } from './list-cases/list-cases.query';
import { AreaAccess, personNotFound } from '../shared/infrastructure/area-access';

@ApiTags('cases')
@Controller('cases')
export class CasesHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly cases: ListCases,
    private readonly closing: CloseCaseHandler,
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

  @Get()
  @Roles('tracer')
  @ApiOperation({
    summary: 'Cases by area (with its sub-areas), status and confirmation date range; paginated with total',
  })
  list(@CurrentPrincipal() who: Principal, @Query() q: ListCasesQuery) {
    return this.cases.run(q, this.access.scope(who));
  }

  @Get(':id')
  @Roles('tracer')
  @ApiOperation({ summary: 'One case' })
  async get(@CurrentPrincipal() who: Principal, @Param('id', new UuidParam()) id: string) {
    return caseView(await this.cases.one(id, this.access.scope(who)));
  }

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
