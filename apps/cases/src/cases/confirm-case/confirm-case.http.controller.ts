import { Roles } from '@ct/platform';
import { Body, Controller, Get, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CaseEntity } from '../infrastructure/case.entity';
import { ConfirmCase } from './confirm-case.command';
import { ConfirmCaseRequest } from './confirm-case.request.dto';

@ApiTags('cases')
@Controller('cases')
export class ConfirmCaseHttpController {
  constructor(private readonly commands: CommandBus, private readonly ds: DataSource) {}

  @Post()
  @Roles('tracer')
  @ApiOperation({ summary: 'Confirm a case (F0); publishes CaseConfirmed on cases.v1' })
  @ApiCreatedResponse({ description: 'The case was stored and CaseConfirmed queued in the outbox' })
  confirm(@Body() body: ConfirmCaseRequest) {
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

  @Get(':id')
  @Roles('tracer')
  @ApiOperation({ summary: 'One case' })
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const c = await this.ds.getRepository(CaseEntity).findOneBy({ id });
    if (!c) throw new NotFoundException(`case ${id} not found`);
    return c;
  }
}
