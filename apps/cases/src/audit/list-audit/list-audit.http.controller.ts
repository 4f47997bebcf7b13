import { Roles, MAX_PAGE } from '@ct/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { AuditTrail } from '../infrastructure/audit-trail';

export class ListAuditQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  personId?: string;

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
  pageSize?: number;
}

@ApiTags('audit')
@Controller('audit')
export class ListAuditHttpController {
  constructor(private readonly audit: AuditTrail) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Who read or changed identity data, newest first (field names only, never values)' })
  list(@Query() q: ListAuditQuery) {
    return this.audit.list(q.personId, q.page ?? 1, q.pageSize ?? 50);
  }
}
