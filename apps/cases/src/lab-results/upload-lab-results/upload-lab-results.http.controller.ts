import { LAB_RESULT_PURPOSES, LabResultPurpose } from '@ct/contracts';
import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Body, Controller, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CasesErrors } from '../../errors';
import { LabResultsService } from './lab-results.service';

class UploadQuery {
  /** The area unmatched results are queued under (default: the token's only area). */
  @IsOptional() @IsString() @Length(1, 32) area?: string;
  /** Purpose of every result without its own (CSV column purpose): default UNSCHEDULED. */
  @IsOptional() @IsIn(LAB_RESULT_PURPOSES) purpose?: LabResultPurpose;
}

@ApiTags('lab-results')
@Controller('lab-results')
export class UploadLabResultsHttpController {
  constructor(private readonly labResults: LabResultsService) {}

  @Post()
  @HttpCode(200)
  @Roles('quarantine', 'tracer')
  @ApiConsumes('text/csv', 'application/fhir+json')
  @ApiBody({ description: 'A CSV file (README "Lab results") or a FHIR R4 Bundle of DiagnosticReport + Observation' })
  @ApiOperation({
    summary:
      'Bulk lab results: matched ones are recorded as test results (LabResultMatched), the others queued for review; idempotent by the lab result id',
  })
  @ApiOkResponse({ description: 'accepted, matched, queued, unchanged and rejected, with line or entry numbers' })
  async upload(
    @CurrentPrincipal() who: Principal,
    @Query() q: UploadQuery,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
  ) {
    if (typeof body !== 'string')
      throw CasesErrors.labUploadInvalid('empty body', [{ field: 'body', problems: ['send a file'] }]);
    const area = this.labResults.uploadArea(who, q.area);
    const parsed = this.labResults.parse(body, contentType ?? '', q.purpose);
    return this.labResults.upload(who, parsed, area);
  }
}
