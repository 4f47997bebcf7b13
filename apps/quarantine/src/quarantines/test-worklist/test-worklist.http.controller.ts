import { IsCalendarDate } from '@ct/contracts';
import { CurrentPrincipal, inAreaScope, MAX_PAGE, Principal, Roles } from '@ct/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { QuarantineWorkflow } from '../quarantine.workflow';
import { QuarantineAreas } from '../infrastructure/quarantine-areas';

/** Most tests in one answer (and the default). */
export const WORKLIST_PAGE_MAX = 5000;

export class TestWorklistQuery {
  @ApiPropertyOptional({
    description: 'Day the tests are due (local calendar day); default today',
    example: '2021-11-27',
  })
  @IsOptional()
  @IsCalendarDate()
  due?: string;

  @ApiPropertyOptional({ description: "Area code of the person's quarantine (or profile)" })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  area?: string;

  @ApiPropertyOptional({ description: 'Facility id (centralized quarantine)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  facility?: string;

  @ApiPropertyOptional({ default: 1, maximum: MAX_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ default: WORKLIST_PAGE_MAX, maximum: WORKLIST_PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(WORKLIST_PAGE_MAX)
  limit?: number;
}

/**
 * Tests still to take on day $1, in area $2 and facility $3 (either null: any), of the caller's
 * areas $4 (null: all; a test's area is its order's, as in quarantine-areas.ts).
 */
const DUE_TESTS = `FROM quarantine.tests t
         LEFT JOIN quarantine.quarantines qq ON qq.id = t.quarantine_id
         LEFT JOIN quarantine.person_profiles pp ON pp.person_id = t.person_id
         LEFT JOIN quarantine.case_areas ca ON ca.case_id = qq.source_case_id
        WHERE t.status = 'SCHEDULED' AND t.due_on = $1
          AND ($2::text IS NULL OR COALESCE(qq.area_code, pp.area_code) = $2)
          AND ($3::text IS NULL OR qq.facility_id = $3)
          AND ${inAreaScope('COALESCE(qq.area_code, pp.area_code, ca.area_code)', 4)}`;

@ApiTags('tests')
@Controller('tests')
export class TestWorklistHttpController {
  constructor(
    private readonly ds: DataSource,
    private readonly workflow: QuarantineWorkflow,
    private readonly areas: QuarantineAreas,
  ) {}

  @Get()
  @Roles('quarantine')
  @ApiOperation({
    summary:
      "Testing staff's worklist: tests still to take on a day, by area and facility (missed = an earlier day's test not yet taken); paginated with the total",
  })
  async worklist(@CurrentPrincipal() who: Principal, @Query() q: TestWorklistQuery) {
    const due = q.due ?? this.workflow.today();
    const page = q.page ?? 1;
    const limit = q.limit ?? WORKLIST_PAGE_MAX;
    const params = [due, q.area ?? null, q.facility ?? null, this.areas.scope(who).codes()];
    const [{ total }] = await this.ds.query(`SELECT count(*)::int AS total ${DUE_TESTS}`, params);
    const items = await this.ds.query(
      `SELECT t.id AS "testId", t.person_id AS "personId", t.quarantine_id AS "quarantineId", t.purpose, to_char(t.due_on, 'YYYY-MM-DD') AS "dueOn",
              t.day, qq.kind, qq.facility_id AS "facilityId", COALESCE(qq.area_code, pp.area_code) AS "areaCode", t.missed
         ${DUE_TESTS}
        ORDER BY qq.facility_id NULLS LAST, t.person_id, t.id LIMIT $5 OFFSET $6`,
      [...params, limit, (page - 1) * limit],
    );
    return { due, total, page, limit, truncated: (page - 1) * limit + items.length < total, items };
  }
}
