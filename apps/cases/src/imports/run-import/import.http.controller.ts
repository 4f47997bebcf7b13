import { CurrentPrincipal, Principal, Roles, UuidParam } from '@ct/platform';
import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional } from 'class-validator';
import { CasesErrors } from '../../errors';
import { ImportKind, parseImport } from '../domain/import-rows';
import { ImportJobStore } from '../infrastructure/import-job-store';
import { ImportRunner } from './import-runner';

class ImportQuery {
  /** true: check every line, write nothing, answer the report. */
  @IsOptional() @IsIn(['true', 'false']) dryRun?: 'true' | 'false';
}

@ApiTags('imports')
@Controller('imports')
export class ImportHttpController {
  constructor(
    private readonly runner: ImportRunner,
    private readonly jobs: ImportJobStore,
  ) {}

  @Post('persons')
  @Roles('tracer')
  @ApiConsumes('text/csv')
  @ApiBody({ description: 'CSV with the columns of README "Imports"' })
  @ApiOperation({ summary: 'Import persons from CSV: ?dryRun=true reports every bad line; else 202 and an import job' })
  persons(
    @CurrentPrincipal() who: Principal,
    @Query() q: ImportQuery,
    @Headers('content-type') type: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.run('persons', who, q, type, body, res);
  }

  @Post('cases')
  @Roles('tracer')
  @ApiConsumes('text/csv')
  @ApiBody({ description: 'CSV with the columns of README "Imports"' })
  @ApiOperation({ summary: 'Import cases from CSV: ?dryRun=true reports every bad line; else 202 and an import job' })
  cases(
    @CurrentPrincipal() who: Principal,
    @Query() q: ImportQuery,
    @Headers('content-type') type: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.run('cases', who, q, type, body, res);
  }

  @Get(':id')
  @Roles('tracer')
  @ApiOperation({
    summary: 'Progress of an import you started: processed of total, created, duplicates, rejected, problems by line',
  })
  async progress(@CurrentPrincipal() who: Principal, @Param('id', new UuidParam()) id: string) {
    const job = await this.jobs.find(id, who.roles.includes('admin') ? null : who.subject);
    if (!job) throw CasesErrors.importNotFound(id);
    return job;
  }

  private async run(
    kind: ImportKind,
    who: Principal,
    q: ImportQuery,
    type: string | undefined,
    body: unknown,
    res: Response,
  ) {
    if ((type ?? '').split(';')[0].trim().toLowerCase() !== 'text/csv')
      throw CasesErrors.importInvalid('send text/csv', [
        { field: 'content-type', problems: ['content-type must be text/csv'] },
      ]);
    if (typeof body !== 'string')
      throw CasesErrors.importInvalid('empty body', [{ field: 'body', problems: ['send a file'] }]);
    const parsed = parseImport(kind, body);
    if (!parsed.ok) throw CasesErrors.importInvalid('the file cannot be read', parsed.problems);
    if (q.dryRun === 'true') {
      res.status(200);
      return this.runner.dryRun(who, kind, parsed.parsed);
    }
    res.status(202);
    return this.runner.start(who, kind, parsed.parsed);
  }
}
