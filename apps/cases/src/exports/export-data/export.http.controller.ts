import { AreaCatalog, CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { ExportFormat, streamExport } from '@ct/runtime';
import { Controller, Get, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { CasesErrors } from '../../errors';
import { LOCAL_OFFSET_MINUTES } from '../../notifications/domain/local-time';
import { AreaAccess } from '../../shared/infrastructure/area-access';
import { Problems } from '../../shared/domain/problems';
import { CasesDataset, columnsFor } from '../domain/datasets';
import { ExportFilters, ExportLog, exportSql } from '../infrastructure/export-queries';
import { ExportQuery } from './export.query.dto';

/** Roles that may read identity data, hence get the identity columns. */
const IDENTITY_ROLES = ['tracer', 'admin'];

/**
 * GET /exports/<cases|contacts>.<csv|xlsx>: streamed from PostgreSQL (a cursor), CSV with a BOM or
 * XLSX, only the caller's areas, identity columns only for tracers, every export audited.
 */
@ApiTags('exports')
@Controller('exports')
export class ExportHttpController {
  private readonly logger = new Logger(ExportHttpController.name);

  constructor(
    private readonly ds: DataSource,
    private readonly areas: AreaCatalog,
    private readonly access: AreaAccess,
    private readonly log: ExportLog,
  ) {}

  @Get(['cases.csv', 'cases.xlsx'])
  @Roles('tracer', 'ops')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOperation({ summary: 'Cases of your areas confirmed in [from, to): CSV (UTF-8, BOM) or XLSX; audited' })
  cases(@CurrentPrincipal() who: Principal, @Query() q: ExportQuery, @Req() req: Request, @Res() res: Response) {
    return this.export('cases', who, q, req, res);
  }

  @Get(['contacts.csv', 'contacts.xlsx'])
  @Roles('tracer', 'ops')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOperation({ summary: 'Contacts (F1, F2) of your areas identified in [from, to): CSV or XLSX; audited' })
  contacts(@CurrentPrincipal() who: Principal, @Query() q: ExportQuery, @Req() req: Request, @Res() res: Response) {
    return this.export('contacts', who, q, req, res);
  }

  private async export(dataset: CasesDataset, who: Principal, q: ExportQuery, req: Request, res: Response) {
    const format: ExportFormat = req.path.endsWith('.xlsx') ? 'xlsx' : 'csv';
    const filters = this.filters(who, q);
    const identity = who.roles.some((r) => IDENTITY_ROLES.includes(r));
    const all = this.areas.all();
    const what = { dataset, format, filters, identity };
    let audited = false;
    try {
      await streamExport(
        this.ds,
        {
          sql: exportSql(dataset),
          params: [
            filters.areas,
            filters.from,
            filters.to,
            all.map((a) => a.code),
            all.map((a) => a.name),
            ...(dataset === 'contacts' ? [this.access.scope(who).codes()] : []),
          ],
          columns: columnsFor(dataset, identity),
          format,
          fileName: `${dataset}-${new Date().toISOString().slice(0, 10)}`,
          utcOffsetMinutes: LOCAL_OFFSET_MINUTES,
          beforeEnd: async (rows) => {
            await this.log.record(who, what, rows, true);
            audited = true;
          },
        },
        res,
      );
    } catch (err) {
      const e = err as Error & { rowsWritten?: number; headersSent?: boolean };
      if (!audited) await this.log.record(who, what, e.rowsWritten ?? 0, false);
      this.logger.warn(
        `export ${dataset}.${format} for ${who.subject} stopped after ${e.rowsWritten ?? 0} rows: ${e.message}`,
      );
      if (!e.headersSent) throw err;
    }
  }

  private filters(who: Principal, q: ExportQuery): ExportFilters {
    const p = new Problems();
    if (q.area !== undefined && !this.areas.has(q.area)) p.add('area', 'area is not a known area (see GET /areas)');
    if (q.from && q.to && new Date(q.to) <= new Date(q.from)) p.add('to', 'to must be after from');
    p.throwIfAny(CasesErrors.exportQueryInvalid, 'invalid export query');
    const scope = this.access.scope(who);
    const wanted = q.area !== undefined ? this.areas.withDescendants(q.area) : scope.codes();
    return {
      areas: wanted === null ? null : scope.narrow(wanted),
      from: q.from ?? null,
      to: q.to ?? null,
    };
  }
}
