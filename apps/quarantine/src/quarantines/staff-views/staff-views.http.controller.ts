import { CurrentPrincipal, inAreaScope, MAX_PAGE, Principal, Roles, UuidParam } from '@ct/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { IsTimestamp } from '@ct/contracts';
import { ORDER_AREA, ORDER_AREA_JOINS, QuarantineAreas } from '../infrastructure/quarantine-areas';
import { QuarantineErrors } from '../../errors';

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListQuarantinesQuery {
  @ApiPropertyOptional({ enum: ['ACTIVE', 'ENDED'] })
  @IsOptional()
  @IsIn(['ACTIVE', 'ENDED'])
  status?: 'ACTIVE' | 'ENDED';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  area?: string;

  @ApiPropertyOptional({ enum: ['HOME', 'CENTRALIZED', 'SELF_MONITORING'] })
  @IsOptional()
  @IsIn(['HOME', 'CENTRALIZED', 'SELF_MONITORING'])
  kind?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  facility?: string;

  @ApiPropertyOptional({ description: 'Orders ending before this instant' })
  @IsOptional()
  @IsTimestamp()
  endsBefore?: string;

  @ApiPropertyOptional({ description: 'Period over without a negative exit test' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ description: 'Centralized orders still waiting for a facility place' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  needsFacility?: boolean;

  @ApiPropertyOptional({ default: 1, maximum: MAX_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

const COLUMNS = `q.id AS "quarantineId", q.person_id AS "personId", q.kind, q.facility_id AS "facilityId", q.needs_facility AS "needsFacility",
  q.area_code AS "areaCode", q.degree, q.source_person_id AS "sourcePersonId", q.source_case_id AS "sourceCaseId",
  to_char(q.day_zero, 'YYYY-MM-DD') AS "dayZero", q.starts_at AS "startsAt", q.ends_at AS "endsAt", q.test_days AS "testDays", q.status,
  q.overdue, q.end_reason AS "endReason", q.ended_at AS "endedAt", q.ordered_at AS "orderedAt"`;

/** Most orders GET /persons/:personId/quarantines lists. */
export const PERSON_ORDERS_MAX = 100;

@ApiTags('quarantines')
@Controller()
export class StaffViewsHttpController {
  constructor(
    private readonly ds: DataSource,
    private readonly areas: QuarantineAreas,
  ) {}

  @Get('quarantines')
  @Roles('quarantine')
  @ApiOperation({
    summary: 'Quarantine orders by status, area, kind, facility, end and overdue flag; paginated with the total',
  })
  async list(@CurrentPrincipal() who: Principal, @Query() f: ListQuarantinesQuery) {
    const page = f.page ?? 1;
    const limit = f.limit ?? 50;
    const where = `($1::text IS NULL OR q.status = $1) AND ($2::text IS NULL OR ${ORDER_AREA} = $2) AND ($3::text IS NULL OR q.kind = $3)
      AND ($4::text IS NULL OR q.facility_id = $4) AND ($5::timestamptz IS NULL OR q.ends_at < $5) AND ($6::boolean IS NULL OR q.overdue = $6)
      AND ($7::boolean IS NULL OR q.needs_facility = $7) AND ${inAreaScope(ORDER_AREA, 8)}`;
    const params = [
      f.status ?? null,
      f.area ?? null,
      f.kind ?? null,
      f.facility ?? null,
      f.endsBefore ?? null,
      f.overdue ?? null,
      f.needsFacility ?? null,
      this.areas.scope(who).codes(),
    ];
    const [{ total }] = await this.ds.query(
      `SELECT count(*)::int AS total FROM quarantine.quarantines q ${ORDER_AREA_JOINS} WHERE ${where}`,
      params,
    );
    const items = await this.ds.query(
      `SELECT ${COLUMNS} FROM quarantine.quarantines q ${ORDER_AREA_JOINS} WHERE ${where}
        ORDER BY q.ends_at, q.id LIMIT $9 OFFSET $10`,
      [...params, limit, (page - 1) * limit],
    );
    return { total, page, limit, items };
  }

  @Get('quarantines/:id')
  @Roles('quarantine')
  @ApiOperation({ summary: 'One order with its history (extensions, transfers, end) and tests' })
  async one(@CurrentPrincipal() who: Principal, @Param('id', new UuidParam()) id: string) {
    // An order of an area outside the caller's scope is answered as unknown.
    const [order] = await this.withDetails(
      await this.ds.query(
        `SELECT ${COLUMNS} FROM quarantine.quarantines q ${ORDER_AREA_JOINS} WHERE q.id = $1 AND ${inAreaScope(ORDER_AREA, 2)}`,
        [id, this.areas.scope(who).codes()],
      ),
    );
    if (!order) throw QuarantineErrors.quarantineNotFound(id);
    return order;
  }

  @Get('persons/:personId/quarantines')
  @Roles('quarantine')
  @ApiOperation({ summary: "A person's orders, newest first, each with its full history and tests" })
  async ofPerson(@CurrentPrincipal() who: Principal, @Param('personId') personId: string) {
    // Bounded: the newest PERSON_ORDERS_MAX orders (a person has a handful), `truncated` if more.
    // Only orders of the caller's areas: a person of another area has none here, like an unknown one.
    const orders = await this.ds.query(
      `SELECT ${COLUMNS} FROM quarantine.quarantines q ${ORDER_AREA_JOINS}
        WHERE q.person_id = $1 AND ${inAreaScope(ORDER_AREA, 3)} ORDER BY q.ordered_at DESC, q.id LIMIT $2`,
      [personId, PERSON_ORDERS_MAX + 1, this.areas.scope(who).codes()],
    );
    return {
      personId,
      items: await this.withDetails(orders.slice(0, PERSON_ORDERS_MAX)),
      truncated: orders.length > PERSON_ORDERS_MAX,
    };
  }

  private async withDetails(orders: { quarantineId: string }[]) {
    if (orders.length === 0) return [];
    const ids = orders.map((o) => o.quarantineId);
    const history: { quarantineId: string }[] = await this.ds.query(
      `SELECT quarantine_id AS "quarantineId", change, previous_kind AS "previousKind", kind, previous_ends_at AS "previousEndsAt", ends_at AS "endsAt",
              to_char(day_zero, 'YYYY-MM-DD') AS "dayZero", facility_id AS "facilityId", reason, at
         FROM quarantine.quarantine_history WHERE quarantine_id = ANY($1::uuid[]) ORDER BY id`,
      [ids],
    );
    const tests: { quarantineId: string }[] = await this.ds.query(
      `SELECT id AS "testId", quarantine_id AS "quarantineId", purpose, to_char(due_on, 'YYYY-MM-DD') AS "dueOn", day, status, missed, result,
              test_type AS "testType", sample_taken_at AS "sampleTakenAt", recorded_at AS "recordedAt"
         FROM quarantine.tests WHERE quarantine_id = ANY($1::uuid[]) ORDER BY due_on NULLS LAST, scheduled_at`,
      [ids],
    );
    return orders.map((o) => ({
      ...o,
      history: history.filter((h) => h.quarantineId === o.quarantineId).map(({ quarantineId: _, ...h }) => h),
      tests: tests.filter((t) => t.quarantineId === o.quarantineId).map(({ quarantineId: _, ...t }) => t),
    }));
  }
}
