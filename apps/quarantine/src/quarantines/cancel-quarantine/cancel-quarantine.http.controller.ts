import { CurrentPrincipal, Principal, Roles, TransactionHost, UuidParam } from '@ct/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiProperty, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { QuarantineStore } from '../infrastructure/quarantine.store';
import { QuarantineWorkflow } from '../quarantine.workflow';
import { QuarantineErrors } from '../../errors';

export class CancelQuarantineRequest {
  @ApiProperty({ description: 'Why the quarantine ends early (kept in its history)' })
  @IsString()
  @Length(3, 500)
  reason: string;
}

@ApiTags('quarantines')
@Controller('quarantines/:id/cancel')
export class CancelQuarantineHttpController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: QuarantineStore,
    private readonly workflow: QuarantineWorkflow,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'End a quarantine early with a reason (QuarantineEnded CANCELLED)' })
  cancel(
    @Param('id', new UuidParam()) id: string,
    @Body() b: CancelQuarantineRequest,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.tx.run(async () => {
      const order = await this.store.order(id);
      if (!order) throw QuarantineErrors.quarantineNotFound(id);
      if (order.status !== 'ACTIVE') throw QuarantineErrors.quarantineNotActive(id);
      await this.workflow.run([
        { personId: order.personId, cause: { note: `${b.reason} (by ${who.subject})` }, command: { type: 'Cancel' } },
      ]);
      return { quarantineId: id, personId: order.personId, status: 'ENDED', endReason: 'CANCELLED' };
    });
  }
}
