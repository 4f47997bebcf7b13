import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ExportLog } from '../infrastructure/export-queries';

class ExportLogQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

@ApiTags('exports')
@Controller('audit/exports')
export class ExportLogHttpController {
  constructor(private readonly log: ExportLog) {}

  @Get()
  @ApiOperation({ summary: 'Who exported what (data set, format, filters, identity columns, rows), newest first' })
  list(@Query() q: ExportLogQuery) {
    return this.log.list(q.limit ?? 100);
  }
}
