import { ISOLATION_KINDS, IsolationKind } from '@ct/contracts';
import { CurrentPrincipal, inAreaScope, Principal, Roles } from '@ct/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { QuarantineAreas } from '../../quarantines/infrastructure/quarantine-areas';

export class IsolationsQuery {
  @ApiPropertyOptional({ description: 'Area code of the case' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  area?: string;

  @ApiPropertyOptional({ enum: ISOLATION_KINDS })
  @IsOptional()
  @IsIn(ISOLATION_KINDS)
  kind?: IsolationKind;

  @ApiPropertyOptional({ description: 'Only people waiting for a bed (every facility full)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  needsBed?: boolean;
}

/** Staff's list of active isolations (area-scoped): where each case is, who waits for a bed. */
@ApiTags('care')
@Controller('isolations')
export class IsolationsHttpController {
  constructor(
    private readonly ds: DataSource,
    private readonly areas: QuarantineAreas,
  ) {}

  @Get()
  @Roles('quarantine')
  @ApiOperation({
    summary: 'Active isolations of the caller’s areas, by area, kind, and needsBed (people waiting for a bed)',
  })
  async list(@CurrentPrincipal() who: Principal, @Query() q: IsolationsQuery) {
    const items = await this.ds.query(
      `SELECT id AS "isolationId", person_id AS "personId", case_id AS "caseId", area_code AS "areaCode", kind,
              facility_id AS "facilityId", needs_bed AS "needsBed", escalated, to_char(first_day, 'YYYY-MM-DD') AS "firstDay",
              to_char(planned_end_on, 'YYYY-MM-DD') AS "plannedEndOn", from_quarantine_id AS "fromQuarantineId", ordered_at AS "orderedAt"
         FROM quarantine.isolations
        WHERE status = 'ACTIVE' AND ($1::text IS NULL OR area_code = $1) AND ($2::text IS NULL OR kind = $2)
          AND ($3::boolean IS NULL OR needs_bed = $3) AND ${inAreaScope('area_code', 4)}
        ORDER BY needs_bed DESC, ordered_at, id LIMIT 5000`,
      [q.area ?? null, q.kind ?? null, q.needsBed ?? null, this.areas.scope(who).codes()],
    );
    return { total: items.length, items };
  }
}
