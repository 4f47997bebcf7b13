import { CurrentPrincipal, Principal, Roles, TransactionHost, UuidParam, ServiceClock } from '@ct/platform';
import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditTrail } from '../../audit/infrastructure/audit-trail';
import { AreaAccess } from '../../shared/infrastructure/area-access';
import { InvestigationStore } from '../infrastructure/investigation-store';
import { UpdateInvestigationRequest } from './update-investigation.request.dto';

/**
 * Every case has one investigation, opened with the case and closed with it. Its notes are
 * interview material about a named person, so every read and write is in the audit trail (the
 * case's person, field names `investigation.<field>`), in the same transaction.
 */
@ApiTags('investigations')
@Controller('cases/:id/investigation')
export class InvestigationHttpController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: InvestigationStore,
    private readonly audit: AuditTrail,
    private readonly access: AreaAccess,
    private readonly clock: ServiceClock,
  ) {}

  @Get()
  @Roles('tracer')
  @ApiOperation({ summary: "The case's investigation: status, assigned team, notes, timestamps" })
  get(@Param('id', new UuidParam()) id: string, @CurrentPrincipal() who: Principal) {
    return this.tx.run(async () => {
      await this.access.requireCase(who, id);
      const investigation = await this.store.load(id);
      await this.audit.record(who, 'READ', investigation.personId, [
        'investigation.status',
        'investigation.assignedTeam',
        'investigation.notes',
      ]);
      return investigation;
    });
  }

  @Patch()
  @Roles('tracer')
  @ApiOperation({ summary: 'Assign a team, write notes, close or reopen the investigation' })
  update(
    @Param('id', new UuidParam()) id: string,
    @Body() body: UpdateInvestigationRequest,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.tx.run(async () => {
      await this.access.requireCase(who, id);
      const current = await this.store.load(id, true);
      const changed = (['status', 'assignedTeam', 'notes'] as const)
        .filter((k) => body[k] !== undefined)
        .map((k) => `investigation.${k}`);
      await this.audit.record(who, 'UPDATE', current.personId, changed);
      const now = this.clock.now();
      const status = body.status ?? current.status;
      const closedAt = status === 'closed' ? (current.closedAt ? new Date(current.closedAt) : now) : null;
      await this.store.update(id, {
        status,
        assignedTeam: body.assignedTeam !== undefined ? body.assignedTeam : current.assignedTeam,
        notes: body.notes !== undefined ? body.notes : current.notes,
        closedAt,
        updatedAt: now,
      });
      return this.store.load(id);
    });
  }
}
