import { IsCalendarDate } from '@ct/contracts';
import { AreaCatalog, CurrentPrincipal, Principal, Roles, ServiceClock } from '@ct/platform';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { QuarantineErrors } from '../../errors';
import { localDay, QuarantinePolicy } from '../../quarantines/domain/policy';
import { QuarantineAreas } from '../../quarantines/infrastructure/quarantine-areas';
import { QUARANTINE_POLICY } from '../../quarantines/quarantines.tokens';
import { CommitteeFiguresService } from './committee-figures.service';

export class CommitteeFiguresQuery {
  @ApiPropertyOptional({ description: 'One area (default: every area of AREAS_FILE the caller serves)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  area?: string;

  @ApiPropertyOptional({ description: 'A day of the local week shown (default today)' })
  @IsOptional()
  @IsCalendarDate()
  week?: string;
}

@ApiTags('stats')
@Controller('stats/committee')
export class CommitteeFiguresHttpController {
  constructor(
    private readonly figures: CommitteeFiguresService,
    private readonly areas: QuarantineAreas,
    private readonly catalog: AreaCatalog,
    private readonly clock: ServiceClock,
    @Inject(QUARANTINE_POLICY) private readonly policy: QuarantinePolicy,
  ) {}

  @Get()
  @Roles('ops', 'quarantine', 'tracer')
  @ApiOperation({
    summary:
      'Per area, for the committee (issue 18): the rule by epidemic level in force, screening coverage and yield this week, arrivals by origin level',
  })
  async get(@CurrentPrincipal() who: Principal, @Query() q: CommitteeFiguresQuery) {
    const scope = this.areas.scope(who);
    const day = q.week ?? localDay(this.clock.now(), this.policy.utcOffsetMinutes);
    if (q.area !== undefined && !scope.covers(q.area)) throw QuarantineErrors.areaNotFound(q.area);
    const codes =
      q.area !== undefined
        ? [q.area]
        : this.catalog
            .all()
            .map((a) => a.code)
            .filter((c) => scope.covers(c));
    const areas = [];
    for (const code of codes) areas.push(await this.figures.area(code, day));
    return { areas };
  }
}
