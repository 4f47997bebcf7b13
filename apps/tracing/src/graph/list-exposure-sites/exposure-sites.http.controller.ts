import { Roles } from '@ct/platform';
import { IsTimestamp } from '@ct/contracts';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { ExposureSiteQueries } from './exposure-sites.queries';

export class ExposureSitesQuery {
  @ApiPropertyOptional({ description: 'ISO-8601; default 14 days before `to`' })
  @IsOptional() @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601; default now' })
  @IsOptional() @IsTimestamp()
  to?: string;
}

@ApiTags('exposure sites')
@Controller('exposure-sites')
export class ExposureSitesHttpController {
  constructor(private readonly sites: ExposureSiteQueries) {}

  @Get()
  // Venues and times only (no case or person ids): meant to be republished to venue owners and the public.
  @Roles('tracer', 'quarantine', 'ops')
  @ApiOperation({ summary: 'Venues where a case stayed inside their infectious window (venue, from, to), merged per venue' })
  list(@Query() q: ExposureSitesQuery) {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 14 * 86_400_000);
    return this.sites.list(from, to);
  }
}
