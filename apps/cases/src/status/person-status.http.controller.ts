import { CurrentPrincipal, Principal, Roles, TransactionHost } from '@ct/platform';
import { AreaAccess, personNotFound } from '../shared/infrastructure/area-access';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { personStatus } from './domain/person-status';
import { StatusStore } from './record-status-events/status-store';

/** No identity data here: class, open case, quarantine and tests, by personId. */
@ApiTags('persons')
@Controller('persons/:id/status')
export class PersonStatusHttpController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: StatusStore,
    private readonly access: AreaAccess,
  ) {}

  @Get()
  @Roles('tracer')
  @ApiOperation({
    summary: "A person's class (F0 | F1 | F2 | none), open case, current quarantine, scheduled and past tests",
  })
  async get(@CurrentPrincipal() who: Principal, @Param('id') personId: string) {
    // The person's area (registered, else their latest case's); unknown or not served: 404.
    if (!(await this.access.coversPerson(who, personId))) throw personNotFound(personId);
    const [open] = await this.tx.manager.query(
      `SELECT id, confirmed_at, area_code FROM cases.cases WHERE person_id = $1 AND status = 'OPEN'`,
      [personId],
    );
    const facts = await this.store.facts(personId);
    const openCase = open
      ? {
          caseId: open.id as string,
          confirmedAt: (open.confirmed_at as Date).toISOString(),
          areaCode: open.area_code as string,
        }
      : null;
    return personStatus(personId, { openCase, ...facts });
  }
}
