import { CurrentPrincipal, DomainError, Principal, Roles } from '@ct/platform';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { CasesErrors } from '../../errors';
import { ArrivalsService } from '../arrivals.service';
import { ARRIVAL_COLUMNS, arrivalBody, parseCsv } from '../domain/csv';
import { RegisterArrivalRequest } from '../register-arrival/register-arrival.request.dto';

/** Lines per upload: a checkpoint's shift, well under a request's time budget. */
export const MAX_ARRIVAL_LINES = 2000;

function fieldProblems(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => [
    ...(e.constraints ? [{ field: `${prefix}${e.property}`, problems: Object.values(e.constraints) }] : []),
    ...fieldProblems(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

@ApiTags('arrivals')
@Controller('arrivals.csv')
export class ImportArrivalsHttpController {
  constructor(private readonly arrivals: ArrivalsService) {}

  @Post()
  @HttpCode(200)
  @Roles('tracer')
  @ApiConsumes('text/csv')
  @ApiBody({
    description: `A header line (columns: ${ARRIVAL_COLUMNS.join(', ')}) and one arrival per line: personId, or the person's details`,
    schema: { type: 'string' },
  })
  @ApiOperation({
    summary: 'Register a checkpoint’s arrivals from CSV; each line is accepted or refused on its own (errors per line)',
  })
  @ApiOkResponse({ description: '{ accepted, rejected, lines: [{ line, arrivalId, personId } | { line, error }] }' })
  async upload(@CurrentPrincipal() who: Principal, @Body() text: unknown) {
    if (typeof text !== 'string' || text.trim() === '')
      throw CasesErrors.arrivalInvalid('send text/csv with a header line', [
        { field: 'body', problems: ['body must be CSV text (Content-Type: text/csv)'] },
      ]);
    const { header, rows } = parseCsv(text);
    const missing = ['originAreaCode', 'destinationAreaCode', 'arrivedAt'].filter((c) => !header.includes(c));
    const unknown = header.filter((h) => !(ARRIVAL_COLUMNS as readonly string[]).includes(h));
    if (missing.length || unknown.length || rows.length > MAX_ARRIVAL_LINES)
      throw CasesErrors.arrivalInvalid('the CSV header or size is not usable', [
        ...missing.map((c) => ({ field: `header.${c}`, problems: [`column ${c} is required`] })),
        ...unknown.map((c) => ({ field: `header.${c}`, problems: [`column ${c} is unknown`] })),
        ...(rows.length > MAX_ARRIVAL_LINES
          ? [{ field: 'body', problems: [`at most ${MAX_ARRIVAL_LINES} lines per upload`] }]
          : []),
      ]);
    const lines = [];
    for (const { line, cells } of rows) {
      const dto = plainToInstance(RegisterArrivalRequest, arrivalBody(header, cells));
      const problems = fieldProblems(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
      if (problems.length) {
        lines.push({ line, error: { code: 'ARRIVAL.INVALID', message: 'invalid line', details: problems } });
        continue;
      }
      try {
        const a = await this.arrivals.register(who, dto);
        lines.push({ line, arrivalId: a.arrivalId, personId: a.personId, personRegistered: a.personRegistered });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        lines.push({ line, error: { code: err.code, message: err.message, details: err.details } });
      }
    }
    const rejected = lines.filter((l) => 'error' in l).length;
    return { accepted: lines.length - rejected, rejected, lines };
  }
}
