import { DomainError, Principal, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/infrastructure/audit-trail';
import { AreaAccess } from '../shared/infrastructure/area-access';

/** A registered person of an area the caller does not serve: answered as an unknown person. */
export class OutOfScope extends DomainError {
  constructor(readonly personId: string) {
    super('PERSON.NOT_FOUND', `person ${personId} is not registered`, 'not_found');
  }
}

/**
 * What a refused call on persons tells the caller, and the audit rows it takes, each in a
 * transaction of its own (the refused one rolls back):
 * - a 409 that names an existing person (same personId, phone or national ID) is audited as a
 *   LOOKUP of that person by the matching fields; when that person is of an area the caller does
 *   not serve, the 409 keeps its code and fields but not `existingPersonId`;
 * - a person outside the caller's areas (OutOfScope) reads as unknown (404), audited as DENIED.
 */
@Injectable()
export class PersonDisclosure {
  constructor(
    private readonly tx: TransactionHost,
    private readonly audit: AuditTrail,
    private readonly access: AreaAccess,
  ) {}

  async guard<T>(who: Principal, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof OutOfScope) await this.tx.run(() => this.audit.record(who, 'DENIED', err.personId, []));
      if (
        err instanceof DomainError &&
        (err.code === 'PERSON.DUPLICATE' || err.code === 'PERSON.EXISTS') &&
        typeof err.details.existingPersonId === 'string'
      ) {
        const existing = err.details.existingPersonId;
        const fields = Array.isArray(err.details.fields) ? (err.details.fields as string[]) : ['personId'];
        await this.tx.run(() => this.audit.record(who, 'LOOKUP', existing, fields));
        if (!(await this.access.coversPerson(who, existing))) {
          const { existingPersonId: _hidden, ...rest } = err.details;
          throw new DomainError(err.code, err.message, err.kind, rest);
        }
      }
      throw err;
    }
  }
}
