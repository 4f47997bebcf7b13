import { CurrentPrincipal, Principal, Roles, TransactionHost, UuidParam } from '@ct/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { QuarantineErrors } from '../../errors';
import { QuarantineAreas } from '../../quarantines/infrastructure/quarantine-areas';
import { FollowUpStore } from '../infrastructure/follow-up.store';
import { RecordFollowUpHandler } from './record-follow-up.handler';
import { RecordFollowUpRequest } from './record-follow-up.request.dto';

@ApiTags('care')
@Controller('follow-ups')
export class RecordFollowUpHttpController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: FollowUpStore,
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
    return this.tx.run(async () => {
      const f = await this.store.lock(id);
      if (!f || !this.areas.scope(who).covers(f.areaCode)) throw QuarantineErrors.followUpNotFound(id);
      return this.handler.record(f, {
        status: b.status,
        temperatureC: b.temperatureC ?? null,
        spo2: b.spo2 ?? null,
        symptoms: b.symptoms ?? [],
        note: b.note ?? null,
        source: 'STAFF',
        by: who.subject,
      });
    });
  }
}
