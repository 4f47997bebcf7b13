import { isCalendarDate } from '@ct/contracts';
import { AreaScope, AreaScopes, CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CoverageRequest } from './coverage.request.dto';
import { SurveillanceService } from './surveillance.service';
import { levelInForce, LevelChangesStore } from '../levels/infrastructure/level-changes.store';
import { OpsErrors } from '../errors';

function at(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!isCalendarDate(raw)) throw OpsErrors.invalidDate();
  return `${raw}T05:00:00Z`; // noon-ish local time of that day
}

/**
 * Figures are not personal, but a tracer's are those of their areas (and below): an area outside
 * the scope is answered like an unknown one (404) and left out of lists. The ops role (monitoring)
 * and admin see every area's figures.
 */
@ApiTags('surveillance')
@Controller()
export class SurveillanceHttpController {
  constructor(
    private readonly surveillance: SurveillanceService,
    private readonly scopes: AreaScopes,
    private readonly changes: LevelChangesStore,
  ) {}

  private scope(who: Principal): AreaScope {
    return this.scopes.of(who, { unscoped: ['ops'] });
  }

  private requireArea(who: Principal, code: string): void {
    if (!this.scope(who).covers(code)) throw OpsErrors.areaNotFound(code);
  }

  @Get('stats/weekly')
  @Roles('ops', 'tracer')
  @ApiQuery({ name: 'area', required: true, description: 'Area code; figures include the areas below it' })
  @ApiQuery({ name: 'weeks', required: false, description: 'How many weeks (default 8, max 104)' })
  @ApiQuery({ name: 'until', required: false, description: 'A date in the last week shown (default: today)' })
  @ApiOperation({
    summary:
      'Cases per local ISO week with the change on the previous week ("320 cases this week, down 34.1%"), and the people isolated (care.v1) at the end of each week: at home, in treatment facilities, waiting for a bed',
  })
  weekly(
    @CurrentPrincipal() who: Principal,
    @Query('area') area?: string,
    @Query('weeks') weeks?: string,
    @Query('until') until?: string,
  ) {
    if (!area) throw OpsErrors.areaRequired();
    this.requireArea(who, area);
    const n = weeks === undefined ? 8 : Number(weeks);
    if (!Number.isInteger(n) || n < 1 || n > 104) throw OpsErrors.invalidWeeks();
    return this.surveillance.weekly(area, n, at(until));
  }

  @Get('stats/areas')
  @Roles('ops', 'tracer')
  @ApiOperation({
    summary: 'The administrative areas the figures are kept for (AREAS_FILE); GET /areas (cases) is the registry',
  })
  areas() {
    return { areas: this.surveillance.listAreas() };
  }

  @Get('areas/levels')
  @Roles('ops', 'tracer')
  @ApiQuery({ name: 'week', required: false, description: 'A date in the week assessed (default: today)' })
  @ApiOperation({ summary: 'The epidemic level of every area' })
  async levels(@CurrentPrincipal() who: Principal, @Query('week') week?: string) {
    const scope = this.scope(who);
    const levels = await this.surveillance.levels(at(week), (code) => scope.covers(code));
    const current = await this.changes.current(levels.map((l) => l.areaCode));
    return { levels: levels.map((l) => ({ ...l, ...levelInForce(current.get(l.areaCode)) })) };
  }

  @Get('areas/:code/level')
  @Roles('ops', 'tracer')
  @ApiQuery({ name: 'week', required: false, description: 'A date in the week assessed (default: today)' })
  @ApiOperation({
    summary:
      'Epidemic level 1–4 of an area (Resolution 128 criteria), with the reasons; inForce: the latest published change, assessed or declared',
  })
  async level(@CurrentPrincipal() who: Principal, @Param('code') code: string, @Query('week') week?: string) {
    this.requireArea(who, code);
    const level = await this.surveillance.level(code, at(week));
    return { ...level, ...levelInForce((await this.changes.current([code])).get(code)) };
  }

  @Put('areas/:code/coverage')
  @Roles('admin')
  @ApiOperation({ summary: 'Record vaccination coverage (and treatment capacity) of an area; re-assesses its level' })
  coverage(@Param('code') code: string, @Body() body: CoverageRequest, @CurrentPrincipal() who: Principal) {
    return this.surveillance.setCoverage(code, body, who.subject);
  }
}
