import { CurrentPrincipal, Principal, Roles, UuidParam } from '@ct/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { QuarantineAreas } from '../../quarantines/infrastructure/quarantine-areas';
import { RecordFollowUpHandler } from './record-follow-up.handler';
import { RecordFollowUpRequest } from './record-follow-up.request.dto';

@ApiTags('care')
@Controller('follow-ups')
export class RecordFollowUpHttpController {
  constructor(
    private readonly areas: QuarantineAreas,
    private readonly handler: RecordFollowUpHandler,
  ) {}

  @Post(':id')
  @HttpCode(200)
  @Roles('quarantine')
  @ApiOperation({
    summary:
      'Record a follow-up (DONE with temperature, SpO2, symptoms; or UNREACHABLE); warning signs escalate (HealthCheckRecorded, CareEscalated)',
  })
  record(
    @Param('id', new UuidParam()) id: string,
    @Body() b: RecordFollowUpRequest,
    @CurrentPrincipal() who: Principal,
  ) {
    const scope = this.areas.scope(who);
    return this.handler.recordOne(
      id,
      {
        status: b.status,
        temperatureC: b.temperatureC ?? null,
        spo2: b.spo2 ?? null,
        symptoms: b.symptoms ?? [],
        note: b.note ?? null,
        source: 'STAFF',
        by: who.subject,
      },
      (f) => scope.covers(f.areaCode),
    );
  }
}
