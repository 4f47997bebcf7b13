import { createEvent } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { AreaCatalog, Principal, TransactionHost, ServiceClock } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AreaAccess, personNotFound } from '../shared/infrastructure/area-access';
import { OutOfScope, PersonDisclosure } from './person-disclosure';
import { AuditTrail } from '../audit/infrastructure/audit-trail';
import { CasesEnv } from '../config';
import { SERVICE_ENV } from '@ct/runtime';
import { normalizeNationalId, normalizePhone } from './domain/identity';
import { applyPersonFields, PersonFields, PersonRecord, profileChanged, profileOf } from './domain/person';
import { PersonStore, personView, StoredPerson } from './infrastructure/person-store';
import { CasesErrors } from '../errors';

/** Identity fields: the names recorded in the audit trail when they are read or changed. */
export const IDENTITY_FIELDS = ['fullName', 'phone', 'nationalId', 'dateOfBirth', 'address', 'email'] as const;

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/**
 * Registers, changes and reads persons. Every call records who touched whose identity data in the
 * same transaction; a change of the non-identifying profile publishes PersonProfileChanged.
 */
@Injectable()
export class PersonsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: PersonStore,
    private readonly outbox: Outbox,
    private readonly audit: AuditTrail,
    private readonly areas: AreaCatalog,
    private readonly access: AreaAccess,
    private readonly disclosure: PersonDisclosure,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) private readonly env: CasesEnv,
  ) {}

  private ctx() {
    return { now: this.clock.now(), skewMs: this.env.CASES_CLOCK_SKEW_SECONDS * 1000, areas: this.areas };
  }

  async register(who: Principal, input: PersonFields & { personId?: string }): Promise<ReturnType<typeof personView>> {
    const personId = input.personId ?? randomUUID();
    const { personId: _omit, ...fields } = input;
    if (input.areaCode !== undefined) this.access.requireTarget(who, input.areaCode);
    const person = applyPersonFields(personId, null, fields, this.ctx());
    return this.disclosure.guard(who, () => this.insertNew(who, person, fields));
  }

  private insertNew(
    who: Principal,
    person: PersonRecord,
    fields: PersonFields,
  ): Promise<ReturnType<typeof personView>> {
    const personId = person.personId;
    return this.withUniqueness(person, () =>
      this.tx.run(async () => {
        const existing = await this.store.find(personId);
        if (existing) throw CasesErrors.personExists(personId);
        await this.assertNoDuplicate(person);
        const now = this.clock.now();
        await this.store.insert(person, now);
        await this.publishProfile(person, now);
        await this.audit.record(
          who,
          'REGISTER',
          personId,
          Object.keys(fields).filter((k) => (fields as Record<string, unknown>)[k] !== undefined),
        );
        return personView((await this.store.find(personId))!);
      }),
    );
  }

  async update(who: Principal, personId: string, patch: PersonFields): Promise<ReturnType<typeof personView>> {
    return this.disclosure.guard(who, () =>
      this.tx.run(async () => {
        const current = await this.store.find(personId, true);
        if (!current) throw personNotFound(personId);
        if (!this.access.scope(who).covers(current.areaCode)) throw new OutOfScope(personId);
        if (patch.areaCode !== undefined) this.access.requireTarget(who, patch.areaCode);
        if (current.erasedAt) throw CasesErrors.personErased(personId);
        const next = applyPersonFields(personId, current, patch, this.ctx());
        await this.assertNoDuplicate(next);
        const now = this.clock.now();
        await this.store.update(next, now);
        if (profileChanged(profileOf(current, now), profileOf(next, now))) await this.publishProfile(next, now);
        await this.audit.record(
          who,
          'UPDATE',
          personId,
          Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined),
        );
        return personView((await this.store.find(personId))!);
      }),
    );
  }

  async get(who: Principal, personId: string) {
    return this.disclosure.guard(who, () => this.read(who, personId));
  }

  private read(who: Principal, personId: string) {
    return this.tx.run(async () => {
      const p = await this.store.find(personId);
      if (!p) throw personNotFound(personId);
      if (!this.access.scope(who).covers(p.areaCode)) throw new OutOfScope(personId);
      await this.audit.record(who, 'READ', personId, [...IDENTITY_FIELDS]);
      return personView(p);
    });
  }

  async lookup(who: Principal, key: { phone?: string; nationalId?: string }) {
    const phone = key.phone !== undefined ? normalizePhone(key.phone) : undefined;
    const nationalId = key.nationalId !== undefined ? normalizeNationalId(key.nationalId) : undefined;
    const details = [
      ...(phone === undefined && nationalId === undefined
        ? [
            { field: 'phone', problems: ['give phone or nationalId'] },
            { field: 'nationalId', problems: ['give phone or nationalId'] },
          ]
        : []),
      ...(phone === null ? [{ field: 'phone', problems: ['phone is not a recognizable phone number'] }] : []),
      ...(nationalId === null
        ? [{ field: 'nationalId', problems: ['nationalId must be 6 to 20 letters or digits'] }]
        : []),
    ];
    if (details.length > 0) throw CasesErrors.personLookupInvalid('lookup needs a valid phone or nationalId', details);
    const by = [...(phone ? ['phone'] : []), ...(nationalId ? ['nationalId'] : [])];
    return this.tx.run(async () => {
      // Only persons of the caller's areas are found (and audited); the others are not revealed.
      const found = await this.store.findBy(
        { phone: phone ?? undefined, nationalId: nationalId ?? undefined },
        this.access.scope(who).codes(),
      );
      if (found.length === 0) await this.audit.record(who, 'LOOKUP', null, by);
      for (const p of found)
        await this.audit.record(who, 'LOOKUP', p.personId, [...new Set([...by, ...IDENTITY_FIELDS])]);
      return { items: found.map(personView) };
    });
  }

  /** Records a recovery (a case closed as recovered) on a registered person; publishes the new profile. */
  async markRecovered(personId: string, recoveredAt: string): Promise<void> {
    await this.tx.run(async () => {
      const current = await this.store.find(personId, true);
      if (!current) return;
      if (current.recoveredAt && new Date(current.recoveredAt) >= new Date(recoveredAt)) return;
      const next: PersonRecord = { ...current, recoveredAt: new Date(recoveredAt).toISOString() };
      const now = this.clock.now();
      await this.store.update(next, now);
      await this.publishProfile(next, now);
    });
  }

  find(personId: string): Promise<StoredPerson | null> {
    return this.store.find(personId);
  }

  private async assertNoDuplicate(p: PersonRecord): Promise<void> {
    const dup = await this.store.duplicateOf(p);
    if (dup) {
      throw CasesErrors.personDuplicate(dup.personId, dup.fields, true);
    }
  }

  /** Two registrations racing past the duplicate check meet the unique indexes: still a 409 naming the existing person. */
  private async withUniqueness<T>(p: PersonRecord, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const dup = await this.store.duplicateOf(p);
      throw CasesErrors.personDuplicate(dup?.personId ?? p.personId, dup?.fields ?? ['personId'], false);
    }
  }

  private async publishProfile(p: PersonRecord, at: Date): Promise<void> {
    await this.outbox.add(
      createEvent(
        'PersonProfileChanged',
        {
          ...profileOf(p, at),
          lastDoseAt: p.lastDoseAt && new Date(p.lastDoseAt).toISOString(),
          recoveredAt: p.recoveredAt && new Date(p.recoveredAt).toISOString(),
          changedAt: at.toISOString(),
        },
        { source: '/cases' },
      ),
    );
  }
}
