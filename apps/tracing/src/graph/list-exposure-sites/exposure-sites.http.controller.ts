import { Roles, AreaScopes, CurrentPrincipal, Principal } from '@ct/platform';
import { IsTimestamp } from '@ct/contracts';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { EXPOSURE_SITES_MAX, ExposureSiteQueries } from './exposure-sites.queries';
import { TracingErrors } from '../../errors';

const DAY = 86_400_000;
/** Longest period one request may cover. */
export const EXPOSURE_SITES_MAX_DAYS = 62;

export class ExposureSitesQuery {
  @ApiPropertyOptional({ description: 'ISO-8601; default 14 days before `to`' })
  @IsOptional()
  @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: `ISO-8601; default now; at most ${EXPOSURE_SITES_MAX_DAYS} days after \`from\`` })
  @IsOptional()
  @IsTimestamp()
  to?: string;

  @ApiPropertyOptional({
    description: 'Most sites in the answer (earliest first)',
    default: EXPOSURE_SITES_MAX,
    maximum: EXPOSURE_SITES_MAX,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(EXPOSURE_SITES_MAX)
  limit?: number;
}

@ApiTags('exposure sites')
@Controller('exposure-sites')
export class ExposureSitesHttpController {
  constructor(
    private readonly sites: ExposureSiteQueries,
    private readonly scopes: AreaScopes,
  ) {}

  @Get()
  // Venues and times only (no case or person ids): meant to be republished to venue owners and the public.
  // Tracers and quarantine staff see the sites of their areas' cases; ops (monitoring, no personal data) all.
  @Roles('tracer', 'quarantine', 'ops')
  @ApiOperation({
    summary: 'Venues where a case stayed inside their infectious window (venue, from, to), merged per venue',
    description: `The period is at most ${EXPOSURE_SITES_MAX_DAYS} days; at most \`limit\` sites, earliest first, \`truncated\` true when more were left out.`,
  })
  list(@CurrentPrincipal() who: Principal, @Query() q: ExposureSitesQuery) {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 14 * DAY);
    if (to.getTime() <= from.getTime()) throw TracingErrors.exposureSitesInvalidPeriod();
    if (to.getTime() - from.getTime() > EXPOSURE_SITES_MAX_DAYS * DAY) {
      throw TracingErrors.exposureSitesPeriodTooLong(EXPOSURE_SITES_MAX_DAYS);
    }
    return this.sites.list(from, to, this.scopes.of(who, { unscoped: ['ops'] }), q.limit ?? EXPOSURE_SITES_MAX);
  }
}
