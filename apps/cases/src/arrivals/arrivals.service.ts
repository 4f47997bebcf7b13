import { createEvent } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { AreaCatalog, Principal, ServiceClock, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CasesEnv } from '../config';
import { CasesErrors } from '../errors';
import { PersonsService } from '../persons/persons.service';
import { Problems } from '../shared/domain/problems';
import { AreaAccess } from '../shared/infrastructure/area-access';
import { Arrival, ArrivalStore } from './infrastructure/arrival-store';
import { RegisterArrivalRequest } from './register-arrival/register-arrival.request.dto';

/**
 * Registers arrivals (issue 18): a person already registered here, or a new one registered through
 * the persons' own path (duplicate detection, audit, PersonProfileChanged), then the arrival and its
 * ArrivalRegistered in one transaction. The quarantine service decides what applies, by the
 * origin's epidemic level; identity stays here, the event carries the personId only.
 */
@Injectable()
export class ArrivalsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: ArrivalStore,
    private readonly persons: PersonsService,
    private readonly outbox: Outbox,
    private readonly areas: AreaCatalog,
    private readonly access: AreaAccess,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) private readonly env: CasesEnv,
  ) {}

  /** The checks class-validator cannot make: one person, a known destination, no future arrival. */
  check(who: Principal, r: RegisterArrivalRequest): void {
    const problems = new Problems();
    if ((r.personId === undefined) === (r.person === undefined))
      problems.add('personId', 'send either personId (a registered person) or person (a new one), not both');
    if (!this.areas.has(r.destinationAreaCode))
      problems.add('destinationAreaCode', 'destinationAreaCode must be one of GET /areas');
    if (Date.parse(r.arrivedAt) > this.clock.now().getTime() + this.env.CASES_CLOCK_SKEW_SECONDS * 1000)
      problems.add('arrivedAt', 'arrivedAt must not be in the future');
    problems.throwIfAny(CasesErrors.arrivalInvalid);
    this.access.requireTarget(who, r.destinationAreaCode, 'destinationAreaCode');
  }

  async register(who: Principal, r: RegisterArrivalRequest) {
    this.check(who, r);
    // A new person is registered first, in a transaction of its own (a refused one is audited as such).
    const personId = r.person ? (await this.persons.register(who, r.person)).personId : r.personId!;
    return this.tx.run(async () => {
      if (r.person === undefined) {
        if (!(await this.store.personExists(personId)) || !(await this.access.coversPerson(who, personId)))
          throw CasesErrors.personNotFound(personId, {
            hint: '; send the person details as `person` to register them',
          });
      }
      const now = this.clock.now().toISOString();
      const arrival: Arrival = {
        arrivalId: randomUUID(),
        personId,
        originAreaCode: r.originAreaCode,
        destinationAreaCode: r.destinationAreaCode,
        arrivedAt: new Date(r.arrivedAt).toISOString(),
        checkpoint: r.checkpoint ?? null,
        registeredAt: now,
      };
      await this.store.insert(arrival, who.subject);
      await this.outbox.add(createEvent('ArrivalRegistered', arrival, { source: '/cases', time: now }));
      return { ...arrival, personRegistered: r.person !== undefined };
    });
  }
}
