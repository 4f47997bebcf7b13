import { CurrentPrincipal, Principal, Roles, UuidParam } from '@ct/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { QuarantineAreas } from '../infrastructure/quarantine-areas';
import { RecordTestResultHandler } from './record-test-result.handler';
import { RecordOtherTestResultRequest, RecordTestResultRequest } from './record-test-result.request.dto';

@ApiTags('tests')
@Controller()
export class RecordTestResultHttpController {
  constructor(
    private readonly handler: RecordTestResultHandler,
    private readonly areas: QuarantineAreas,
  ) {}

  @Post('tests/:id/result')
  @HttpCode(200)
  @Roles('quarantine')
  @ApiOperation({
    summary:
      'Record the result of a scheduled test; publishes TestResultRecorded. POSITIVE converts the quarantine, INCONCLUSIVE schedules a retest',
  })
  @ApiOkResponse({ description: 'The result and what followed from it' })
  async record(
    @Param('id', new UuidParam()) id: string,
    @Body() body: RecordTestResultRequest,
    @CurrentPrincipal() who: Principal,
  ) {
    await this.areas.requireTest(who, id);
    return this.handler.scheduled(id, { ...body, recordedBy: who.subject });
  }

  @Post('test-results')
  @Roles('quarantine')
  @ApiOperation({ summary: 'Record a screening or unscheduled result for any person; publishes TestResultRecorded' })
  async recordOther(@Body() body: RecordOtherTestResultRequest, @CurrentPrincipal() who: Principal) {
    await this.areas.requirePersonForWrite(who, body.personId);
    return this.handler.other(body.personId, body.purpose, {
      result: body.result,
      testType: body.testType,
      sampleTakenAt: body.sampleTakenAt,
      recordedBy: who.subject,
    });
  }
}
