import { createEvent } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { DomainError, Principal, TransactionHost, ServiceClock } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { checkDeclaredContact } from '../../cases/domain/case-rules';
import { CaseEntity } from '../../cases/infrastructure/case.entity';
import { CasesEnv } from '../../config';
import { PersonsService } from '../../persons/persons.service';
import { FieldProblem } from '../../shared/domain/problems';
import { DeclareContactRequest } from './declare-contact.request.dto';
import { CasesErrors } from '../../errors';

const iso = (v: unknown) => (v as Date).toISOString();

function declarationView(r: Record<string, unknown>) {
  return {
    declarationId: r.declaration_id as string,
    caseId: r.case_id as string,
    sourcePersonId: r.source_person_id as string,
    personId: r.person_id as string,
    kind: r.kind as string,
    startedAt: iso(r.started_at),
    endedAt: iso(r.ended_at),
    declaredAt: iso(r.declared_at),
  };
}

/**
 * Records a contact the F0 named in the interview (registering them when new) and publishes
 * ContactDeclared, which tracing turns into a ContactIdentified. The event carries only personIds.
 */
/** Most declarations GET /cases/:id/declared-contacts lists (the first, in order of declaration). */
export const DECLARED_CONTACTS_MAX = 1000;

@Injectable()
export class DeclareContactHandler {
  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    private readonly persons: PersonsService,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) private readonly env: CasesEnv,
  ) {}

  async declare(who: Principal, caseId: string, body: DeclareContactRequest) {
    if ((body.personId === undefined) === (body.person === undefined)) {
      const problem = ['give either personId or person'];
      throw CasesErrors.contactInvalid('a contact is an existing personId or a new person', [
        { field: 'personId', problems: problem },
        { field: 'person', problems: problem },
      ]);
    }
    return this.tx.run(async (m) => {
      const c = await m.findOne(CaseEntity, { where: { id: caseId }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw CasesErrors.caseNotFound(caseId);
      const now = this.clock.now();
      let personId: string;
      if (body.personId !== undefined) {
        personId = body.personId;
        checkDeclaredContact(
          { caseId, status: c.status, confirmedAt: c.confirmedAt, personId: c.personId },
          { ...body, personId },
          { now, skewMs: this.env.CASES_CLOCK_SKEW_SECONDS * 1000 },
        );
        if (!(await this.persons.find(personId))) throw CasesErrors.personNotFound(personId, { details: { personId } });
      } else {
        checkDeclaredContact(
          { caseId, status: c.status, confirmedAt: c.confirmedAt, personId: c.personId },
          { ...body, personId: body.person!.personId ?? '' },
          { now, skewMs: this.env.CASES_CLOCK_SKEW_SECONDS * 1000 },
        );
        personId = (await this.registerNested(who, body)).personId;
      }
      const dup = await m.query(
        'SELECT declaration_id FROM cases.declared_contacts WHERE case_id = $1 AND person_id = $2',
        [caseId, personId],
      );
      if (dup.length > 0) {
        throw CasesErrors.contactAlreadyDeclared(dup[0].declaration_id);
      }
      const declarationId = randomUUID();
      const [row] = await m.query(
        `INSERT INTO cases.declared_contacts (declaration_id, case_id, source_person_id, person_id, kind, started_at, ended_at, declared_at, declared_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          declarationId,
          caseId,
          c.personId,
          personId,
          body.kind,
          new Date(body.startedAt),
          new Date(body.endedAt),
          now,
          who.subject,
        ],
      );
      const view = declarationView(row);
      const { declarationId: d, caseId: k, sourcePersonId, kind, startedAt, endedAt, declaredAt } = view;
      await this.outbox.add(
        createEvent(
          'ContactDeclared',
          {
            declarationId: d,
            caseId: k,
            sourcePersonId,
            personId,
            kind: kind as 'HOUSEHOLD',
            startedAt,
            endedAt,
            declaredAt,
          },
          { source: '/cases' },
        ),
      );
      return view;
    });
  }

  /** Registers the new person; their field problems are reported as person.<field>. */
  private async registerNested(who: Principal, body: DeclareContactRequest) {
    try {
      return await this.persons.register(who, body.person!);
    } catch (err) {
      // Field problems (400) and an area not served (403) name the nested field: person.areaCode.
      if (err instanceof DomainError && err.kind !== 'conflict' && Array.isArray(err.details.details)) {
        const details = (err.details.details as FieldProblem[]).map((d) => ({ ...d, field: `person.${d.field}` }));
        throw new DomainError(err.code, err.message, err.kind, { details });
      }
      throw err;
    }
  }

  async list(caseId: string) {
    const c = await this.tx.manager.findOneBy(CaseEntity, { id: caseId });
    if (!c) throw CasesErrors.caseNotFound(caseId);
    // Bounded: an interview names a household and a few others; a runaway list is cut, and says so.
    const rows = await this.tx.manager.query(
      'SELECT * FROM cases.declared_contacts WHERE case_id = $1 ORDER BY declared_at, declaration_id LIMIT $2',
      [caseId, DECLARED_CONTACTS_MAX + 1],
    );
    return {
      items: rows.slice(0, DECLARED_CONTACTS_MAX).map(declarationView),
      truncated: rows.length > DECLARED_CONTACTS_MAX,
    };
  }
}
