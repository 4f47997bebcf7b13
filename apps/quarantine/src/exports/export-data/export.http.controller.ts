import { IsTimestamp, NoControlCharacters } from '@ct/contracts';
import { AreaCatalog, AreaScopes, CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { ExportFormat, SERVICE_ENV, streamExport } from '@ct/runtime';
import { Controller, Get, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IsOptional, IsString, Length } from 'class-validator';
import { DataSource } from 'typeorm';
import { QuarantineEnv } from '../../config';
import { QuarantineErrors } from '../../errors';
import { QUARANTINE_DATASETS, QuarantineDataset } from '../domain/datasets';
import { ExportFilters, ExportLog, exportSql } from '../infrastructure/export-queries';

export class ExportQuery {
  @ApiPropertyOptional({ example: '502' })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  @NoControlCharacters()
  area?: string;
  @ApiPropertyOptional({ example: '2021-11-01T00:00:00+07:00' }) @IsOptional() @IsTimestamp() from?: string;
  @ApiPropertyOptional({ example: '2021-12-01T00:00:00+07:00' }) @IsOptional() @IsTimestamp() to?: string;
}

const PRODUCES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

/** GET /exports/<quarantines|tests|follow-ups>.<csv|xlsx>: streamed, area-scoped, audited; no identity data here. */
@ApiTags('exports')
@Controller('exports')
export class QuarantineExportHttpController {
  private readonly logger = new Logger(QuarantineExportHttpController.name);

  constructor(
    private readonly ds: DataSource,
    private readonly areas: AreaCatalog,
    private readonly scopes: AreaScopes,
    private readonly log: ExportLog,
    @Inject(SERVICE_ENV) private readonly env: QuarantineEnv,
  ) {}

  @Get(['quarantines.csv', 'quarantines.xlsx'])
  @Roles('quarantine', 'tracer', 'ops')
  @ApiProduces(...PRODUCES)
  @ApiOperation({ summary: 'Quarantine orders of your areas ordered in [from, to): CSV (UTF-8, BOM) or XLSX; audited' })
  quarantines(@CurrentPrincipal() who: Principal, @Query() q: ExportQuery, @Req() req: Request, @Res() res: Response) {
    return this.export('quarantines', who, q, req, res);
  }

  @Get(['tests.csv', 'tests.xlsx'])
  @Roles('quarantine', 'tracer', 'ops')
  @ApiProduces(...PRODUCES)
  @ApiOperation({ summary: 'Tests of your areas scheduled or recorded in [from, to): CSV or XLSX; audited' })
  tests(@CurrentPrincipal() who: Principal, @Query() q: ExportQuery, @Req() req: Request, @Res() res: Response) {
    return this.export('tests', who, q, req, res);
  }

  @Get(['follow-ups.csv', 'follow-ups.xlsx'])
  @Roles('quarantine', 'tracer', 'ops')
  @ApiProduces(...PRODUCES)
  @ApiOperation({
    summary:
      'Daily follow-ups of your areas due on local days starting in [from, to): status, temperature, SpO2, symptom and warning-sign codes, missed and lost flags (no free-text note); CSV or XLSX; audited',
  })
  followUps(@CurrentPrincipal() who: Principal, @Query() q: ExportQuery, @Req() req: Request, @Res() res: Response) {
    return this.export('follow-ups', who, q, req, res);
  }

  private async export(dataset: QuarantineDataset, who: Principal, q: ExportQuery, req: Request, res: Response) {
    const format: ExportFormat = req.path.endsWith('.xlsx') ? 'xlsx' : 'csv';
    const filters = this.filters(who, q);
    const all = this.areas.all();
    let audited = false;
    try {
      await streamExport(
        this.ds,
        {
          sql: exportSql(dataset, this.env.QUARANTINE_UTC_OFFSET_MINUTES),
          params: [filters.areas, filters.from, filters.to, all.map((a) => a.code), all.map((a) => a.name)],
          columns: QUARANTINE_DATASETS[dataset],
          format,
          fileName: `${dataset}-${new Date().toISOString().slice(0, 10)}`,
          utcOffsetMinutes: this.env.QUARANTINE_UTC_OFFSET_MINUTES,
          beforeEnd: async (rows) => {
            await this.log.record(who, { dataset, format, filters }, rows, true);
            audited = true;
          },
        },
        res,
      );
    } catch (err) {
      const e = err as Error & { rowsWritten?: number; headersSent?: boolean };
      if (!audited) await this.log.record(who, { dataset, format, filters }, e.rowsWritten ?? 0, false);
      this.logger.warn(
        `export ${dataset}.${format} for ${who.subject} stopped after ${e.rowsWritten ?? 0} rows: ${e.message}`,
      );
      if (!e.headersSent) throw err;
    }
  }

  private filters(who: Principal, q: ExportQuery): ExportFilters {
    const details = [
      ...(q.area !== undefined && !this.areas.has(q.area)
        ? [{ field: 'area', problems: ['area is not a known area'] }]
        : []),
      ...(q.from && q.to && new Date(q.to) <= new Date(q.from)
        ? [{ field: 'to', problems: ['to must be after from'] }]
        : []),
    ];
    if (details.length) throw QuarantineErrors.exportQueryInvalid('invalid export query', details);
    const scope = this.scopes.of(who);
    const wanted = q.area !== undefined ? this.areas.withDescendants(q.area) : scope.codes();
    return { areas: wanted === null ? null : scope.narrow(wanted), from: q.from ?? null, to: q.to ?? null };
  }
}
