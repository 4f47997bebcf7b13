import { CurrentPrincipal, Principal, Roles, UuidParam } from '@ct/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AreaAccess } from '../../shared/infrastructure/area-access';
import { caseView } from '../infrastructure/case.entity';
import { ListCases } from './list-cases.query';
import { ListCasesQuery } from './list-cases.query.dto';

@ApiTags('cases')
@Controller('cases')
export class ListCasesHttpController {
  constructor(
    private readonly cases: ListCases,
    private readonly access: AreaAccess,
  ) {}

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
}
