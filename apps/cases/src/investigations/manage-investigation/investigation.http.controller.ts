import { CurrentPrincipal, DomainError, Principal, Roles, TransactionHost, UuidParam } from '@ct/platform';
import { Body, Controller, Get, Inject, Param, Patch } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { AuditTrail } from '../../audit/infrastructure/audit-trail';
import { INVESTIGATION_STATUSES, InvestigationStatus } from '../../cases/domain/case-rules';
import { Clock, CASES_CLOCK } from '../../shared/domain/clock';
import { AreaAccess } from '../../shared/infrastructure/area-access';

export class UpdateInvestigationRequest {
  @ApiPropertyOptional({ enum: INVESTIGATION_STATUSES })
  @IsOptional()
  @IsIn(INVESTIGATION_STATUSES)
  status?: InvestigationStatus;

  @ApiPropertyOptional({ nullable: true, example: 'Tam Kỳ team 3' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  assignedTeam?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  notes?: string | null;
}

const iso = (v: unknown) => (v ? (v as Date).toISOString() : null);

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
    private readonly audit: AuditTrail,
    private readonly access: AreaAccess,
    @Inject(CASES_CLOCK) private readonly clock: Clock,
  ) {}

  private async load(caseId: string, lock = false) {
    const rows = await this.tx.manager.query(
      `SELECT i.*, c.person_id, (SELECT count(*)::int FROM cases.declared_contacts d WHERE d.case_id = i.case_id) AS declared_contacts
         FROM cases.investigations i JOIN cases.cases c ON c.id = i.case_id WHERE i.case_id = $1 ${lock ? 'FOR UPDATE OF i' : ''}`,
      [caseId],
    );
    if (rows.length === 0) throw new DomainError('CASE.NOT_FOUND', `case ${caseId} not found`, 'not_found');
    const r = rows[0];
    return {
      caseId: r.case_id as string,
      personId: r.person_id as string,
      status: r.status as InvestigationStatus,
      assignedTeam: r.assigned_team as string | null,
      notes: r.notes as string | null,
      declaredContacts: r.declared_contacts as number,
      openedAt: iso(r.opened_at),
      closedAt: iso(r.closed_at),
      updatedAt: iso(r.updated_at),
    };
  }

  @Get()
  @Roles('tracer')
  @ApiOperation({ summary: "The case's investigation: status, assigned team, notes, timestamps" })
  get(@Param('id', new UuidParam()) id: string, @CurrentPrincipal() who: Principal) {
    return this.tx.run(async () => {
      await this.access.requireCase(who, id);
      const investigation = await this.load(id);
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
    return this.tx.run(async (m) => {
      await this.access.requireCase(who, id);
      const current = await this.load(id, true);
      const changed = (['status', 'assignedTeam', 'notes'] as const)
        .filter((k) => body[k] !== undefined)
        .map((k) => `investigation.${k}`);
      await this.audit.record(who, 'UPDATE', current.personId, changed);
      const now = this.clock.now();
      const status = body.status ?? current.status;
      const closedAt = status === 'closed' ? (current.closedAt ? new Date(current.closedAt) : now) : null;
      await m.query(
        'UPDATE cases.investigations SET status = $2, assigned_team = $3, notes = $4, closed_at = $5, updated_at = $6 WHERE case_id = $1',
        [
          id,
          status,
          body.assignedTeam !== undefined ? body.assignedTeam : current.assignedTeam,
          body.notes !== undefined ? body.notes : current.notes,
          closedAt,
          now,
        ],
      );
      return this.load(id);
    });
  }
}
