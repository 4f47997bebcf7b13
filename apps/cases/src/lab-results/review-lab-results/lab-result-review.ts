import { Outbox } from '@ct/messaging';
import { Principal, ServiceClock, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../../audit/infrastructure/audit-trail';
import { CasesErrors } from '../../errors';
import { PersonFields } from '../../persons/domain/person';
import { PersonsService } from '../../persons/persons.service';
import { AreaAccess } from '../../shared/infrastructure/area-access';
import { LabResult } from '../domain/lab-result';
import { LabResultStore } from '../infrastructure/lab-result-store';
import { labResultMatched } from '../upload-lab-results/lab-results.service';

/** The identity fields the lab sent with a queued result: read by a reviewer, so audited. */
const LAB_IDENTITY_FIELDS = ['labResult.personId', 'labResult.nationalId', 'labResult.phone', 'labResult.fullName'];

/**
 * The review queue: results that matched nobody, or several persons, under the caller's areas.
 * A reviewer resolves one by choosing a person of their areas (personId) or by registering the
 * person (the same rules and duplicate check as POST /persons); it is then published as
 * LabResultMatched, once (a second resolve is a 409).
 */
@Injectable()
export class LabResultReview {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: LabResultStore,
    private readonly outbox: Outbox,
    private readonly access: AreaAccess,
    private readonly persons: PersonsService,
    private readonly audit: AuditTrail,
    private readonly clock: ServiceClock,
  ) {}

  list(who: Principal, page: number, limit: number) {
    return this.tx.run(async () => {
      const found = await this.store.queue(this.access.scope(who).codes(), limit, (page - 1) * limit);
      if (found.items.length > 0) await this.audit.record(who, 'READ', null, LAB_IDENTITY_FIELDS);
      return { ...found, page, limit };
    });
  }

  async resolve(
    who: Principal,
    id: string,
    choice: { personId?: string; person?: PersonFields & { personId?: string } },
  ) {
    if ((choice.personId === undefined) === (choice.person === undefined))
      throw CasesErrors.labResolveInvalid('give personId or person', [
        { field: 'personId', problems: ['give either personId (an existing person) or person (to register)'] },
      ]);
    const areas = this.access.scope(who).codes();
    // Checked before registering, so a person is not registered for a result that cannot be resolved.
    await this.tx.run(async () => this.requireQueued(id, areas));
    const personId = choice.person
      ? (await this.persons.register(who, choice.person)).personId
      : await this.requirePerson(who, choice.personId!);
    return this.tx.run(async () => {
      const row = await this.requireQueued(id, areas);
      const now = this.clock.now();
      await this.store.resolve(id, personId, now, who.subject);
      const value = {
        result: row.result,
        testType: row.test_type,
        purpose: row.purpose,
        sampleTakenAt: (row.sample_taken_at as Date).toISOString(),
      } as LabResult;
      await this.outbox.add(labResultMatched(id, personId, value, now));
      return { id, status: 'MATCHED', personId };
    });
  }

  private async requireQueued(id: string, areas: string[] | null) {
    const row = await this.store.lock(id, areas);
    if (!row) throw CasesErrors.labResultNotFound(id);
    if (row.status !== 'QUEUED') throw CasesErrors.labResultResolved(id);
    return row;
  }

  /** A registered person of the caller's areas (else the same 404 as an unknown person). */
  private async requirePerson(who: Principal, personId: string): Promise<string> {
    const p = await this.persons.find(personId);
    if (!p || !this.access.scope(who).covers(p.areaCode)) throw CasesErrors.personNotFound(personId);
    return personId;
  }
}
