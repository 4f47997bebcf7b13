import { Roles } from '@ct/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { QuarantineWorkflow } from '../quarantine.workflow';

export class TestWorklistQuery {
  @ApiPropertyOptional({ description: 'Day the tests are due (local calendar day); default today', example: '2021-11-27' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) @IsISO8601({ strict: true })
  due?: string;

  @ApiPropertyOptional({ description: "Area code of the person's quarantine (or profile)" }) @IsOptional() @IsString() @MaxLength(32)
  area?: string;

  @ApiPropertyOptional({ description: 'Facility id (centralized quarantine)' }) @IsOptional() @IsString() @MaxLength(128)
  facility?: string;
}

@ApiTags('tests')
@Controller('tests')
export class TestWorklistHttpController {
  constructor(private readonly ds: DataSource, private readonly workflow: QuarantineWorkflow) {}

  @Get()
  @Roles('quarantine')
  @ApiOperation({ summary: "Testing staff's worklist: tests still to take on a day, by area and facility (missed = an earlier day's test not yet taken)" })
  async worklist(@Query() q: TestWorklistQuery) {
    const due = q.due ?? this.workflow.today();
    const rows = await this.ds.query(
      `SELECT t.id AS "testId", t.person_id AS "personId", t.quarantine_id AS "quarantineId", t.purpose, to_char(t.due_on, 'YYYY-MM-DD') AS "dueOn",
              t.day, qq.kind, qq.facility_id AS "facilityId", COALESCE(qq.area_code, pp.area_code) AS "areaCode", t.missed
         FROM quarantine.tests t
         LEFT JOIN quarantine.quarantines qq ON qq.id = t.quarantine_id
         LEFT JOIN quarantine.person_profiles pp ON pp.person_id = t.person_id
        WHERE t.status = 'SCHEDULED' AND t.due_on = $1
          AND ($2::text IS NULL OR COALESCE(qq.area_code, pp.area_code) = $2)
          AND ($3::text IS NULL OR qq.facility_id = $3)
        ORDER BY qq.facility_id NULLS LAST, t.person_id`,
      [due, q.area ?? null, q.facility ?? null],
    );
    return { due, total: rows.length, items: rows };
  }
}
