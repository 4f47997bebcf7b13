import { CurrentPrincipal, Principal, Roles, TransactionHost } from '@ct/platform';
import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiProperty, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { IsolationService } from '../../care/isolate-cases/isolation.service';
import { QuarantineWorkflow } from '../quarantine.workflow';
import { QuarantineAreas } from '../infrastructure/quarantine-areas';

export class HomeEligibilityRequest {
  @ApiProperty({ description: 'The person can stay in a room of their own' })
  @IsBoolean()
  separateRoom: boolean;

  @ApiProperty({ description: 'Nobody at high risk (elderly, chronic disease, pregnant) lives in the home' })
  @IsBoolean()
  noHighRiskMember: boolean;

  @ApiProperty({ description: 'Staff can reach the person every day' })
  @IsBoolean()
  reachableDaily: boolean;
}

@ApiTags('quarantines')
@Controller('persons/:personId/home-eligibility')
export class SetHomeEligibilityHttpController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly workflow: QuarantineWorkflow,
    private readonly areas: QuarantineAreas,
    private readonly isolation: IsolationService,
  ) {}

  @Put()
  @Roles('quarantine')
  @ApiOperation({
    summary:
      "Record whether a person's home qualifies for home quarantine; not eligible moves an active home quarantine to a facility (QuarantineTransferred)",
  })
  set(@Param('personId') personId: string, @Body() b: HomeEligibilityRequest, @CurrentPrincipal() who: Principal) {
    const eligible = b.separateRoom && b.noHighRiskMember && b.reachableDaily;
    return this.tx.run(async (m) => {
      await this.areas.requirePersonForWrite(who, personId);
      await m.query(
        `INSERT INTO quarantine.home_eligibility (person_id, separate_room, no_high_risk_member, reachable_daily, eligible, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (person_id) DO UPDATE SET separate_room = EXCLUDED.separate_room, no_high_risk_member = EXCLUDED.no_high_risk_member,
           reachable_daily = EXCLUDED.reachable_daily, eligible = EXCLUDED.eligible, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [personId, b.separateRoom, b.noHighRiskMember, b.reachableDaily, eligible, this.workflow.now(), who.subject],
      );
      const [d] = await this.workflow.run([
        {
          personId,
          cause: { note: `home eligibility by ${who.subject}` },
          command: { type: 'ChangeHomeEligibility', eligible },
        },
      ]);
      // Care pathway: a case's isolation follows the recorded eligibility (home treatment needs an eligible home).
      const iso = await this.isolation.reassess(personId, { correlationId: undefined });
      return {
        personId,
        eligible,
        isolation: iso
          ? { isolationId: iso.id, kind: iso.kind, facilityId: iso.facilityId, needsBed: iso.needsBed }
          : null,
        transferred:
          d.type === 'Transferred'
            ? {
                quarantineId: d.order.id,
                kind: d.order.kind,
                facilityId: d.order.facilityId,
                needsFacility: d.order.needsFacility,
              }
            : null,
      };
    });
  }
}
