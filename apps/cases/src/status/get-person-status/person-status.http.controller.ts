import { CurrentPrincipal, Principal, Roles } from '@ct/platform';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AreaAccess, personNotFound } from '../../shared/infrastructure/area-access';
import { personStatus } from '../domain/person-status';
import { StatusStore } from '../record-status-events/status-store';
import { CareStatusStore } from '../record-care-events/care-status-store';

/** No identity data here: class, open case, quarantine and tests, by personId. */
@ApiTags('persons')
@Controller('persons/:id/status')
export class PersonStatusHttpController {
  constructor(
    private readonly store: StatusStore,
    private readonly access: AreaAccess,
    private readonly care: CareStatusStore,
  ) {}

  @Get()
  @Roles('tracer')
  @ApiOperation({
    summary:
      "A person's class (F0 | F1 | F2 | none), open case, current quarantine, scheduled and past tests, and care (isolation, daily follow-up)",
  })
  async get(@CurrentPrincipal() who: Principal, @Param('id') personId: string) {
    // The person's area (registered, else their latest case's); unknown or not served: 404.
    if (!(await this.access.coversPerson(who, personId))) throw personNotFound(personId);
    const openCase = await this.store.openCase(personId);
    const facts = await this.store.facts(personId);
    const status = personStatus(personId, { openCase, ...facts });
    // A contact found by a case of another area names neither that case nor its person (the
    // contact graph shows them as pseudonyms): both null, with sourceHidden.
    const contact =
      status.contact && !(await this.access.coversCase(who, status.contact.sourceCaseId))
        ? { ...status.contact, sourceCaseId: null, sourcePersonId: null, sourceHidden: true }
        : status.contact;
    // care: the latest isolation and the daily follow-up summary (care.v1), or nulls.
    return { ...status, contact, care: await this.care.of(personId) };
  }
}
