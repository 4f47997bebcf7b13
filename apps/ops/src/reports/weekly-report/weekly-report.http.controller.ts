import { AreaScopes, CurrentPrincipal, Principal, Roles, ServiceClock } from '@ct/platform';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OpsErrors } from '../../errors';
import { reportWeek } from '../domain/report-week';
import { WeeklyReport } from '../domain/report-model';
import { renderWeeklyHtml } from './weekly-report.html';
import { renderWeeklyPdf } from './weekly-report.pdf';
import { REPORT_AREAS_MAX, WeeklyReportQuery } from './weekly-report.query.dto';
import { WeeklyReportService } from './weekly-report.service';

/**
 * The weekly report officials read (issue 19): one page per area, Vietnamese by default. Figures,
 * no personal data; a tracer gets only the areas of their token (another area is a 404, as in
 * GET /areas/:code/level), ops and admin every area.
 */
@ApiTags('reports')
@Controller('reports')
export class WeeklyReportHttpController {
  constructor(
    private readonly reports: WeeklyReportService,
    private readonly scopes: AreaScopes,
    private readonly clock: ServiceClock,
  ) {}

  private async report(who: Principal, q: WeeklyReportQuery): Promise<WeeklyReport> {
    const codes = [...new Set(q.area.split(','))];
    if (codes.length > REPORT_AREAS_MAX) throw OpsErrors.tooManyReportAreas(REPORT_AREAS_MAX);
    const scope = this.scopes.of(who, { unscoped: ['ops'] });
    for (const code of codes) if (!scope.covers(code) || !this.reports.knows(code)) throw OpsErrors.areaNotFound(code);
    const week = reportWeek(q.week, this.clock.now());
    if (week === null) throw OpsErrors.invalidReportWeek();
    return this.reports.build(codes, week, q.lang ?? 'vi');
  }

  @Get('weekly.pdf')
  @Roles('ops', 'tracer')
  @ApiProduces('application/pdf')
  @ApiOperation({
    summary: 'Weekly report as PDF (A4, one page per area): cases and change on last week, curve, level, coverage',
  })
  async pdf(@CurrentPrincipal() who: Principal, @Query() q: WeeklyReportQuery, @Res() res: Response): Promise<void> {
    const r = await this.report(who, q);
    const body = await renderWeeklyPdf(r);
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename="weekly-${r.pages[0].isoWeek}.pdf"`);
    res.send(body);
  }

  @Get('weekly.html')
  @Roles('ops', 'tracer')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The same weekly report as one HTML page (printable; one article per area)' })
  async html(@CurrentPrincipal() who: Principal, @Query() q: WeeklyReportQuery, @Res() res: Response): Promise<void> {
    const r = await this.report(who, q);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.send(renderWeeklyHtml(r));
  }
}
