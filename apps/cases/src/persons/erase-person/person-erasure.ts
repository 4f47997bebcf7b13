import { PeriodicTask, Principal, schedulePeriodic, TransactionHost, ServiceClock } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuditTrail } from '../../audit/infrastructure/audit-trail';
import { CasesEnv } from '../../config';
import { IDENTITY_FIELDS } from '../persons.service';
import { CasesErrors } from '../../errors';

/** What an erasure removes: the identity fields and the notes of the person's investigations. */
export const ERASED_FIELDS = [...IDENTITY_FIELDS, 'investigation.notes'];

/** Who the periodic pass acts as in the audit trail. */
export const ERASURE_JOB: Principal = { subject: 'system:person-erasure', roles: ['admin'], areas: [] };

/**
 * Per person: is anything still open (a case, a quarantine not ended) and when did the last thing
 * end (case closing, quarantine end, change of the record). $1 = the cut-off.
 */
const ERASABLE = `
  SELECT p.person_id,
         EXISTS (SELECT 1 FROM cases.cases c WHERE c.person_id = p.person_id AND c.closed_at IS NULL) AS open_case,
         EXISTS (SELECT 1 FROM cases.status_quarantines q WHERE q.person_id = p.person_id AND q.ended_at IS NULL) AS open_quarantine,
         GREATEST(p.updated_at,
                  (SELECT max(c.closed_at) FROM cases.cases c WHERE c.person_id = p.person_id),
                  (SELECT max(q.ended_at) FROM cases.status_quarantines q WHERE q.person_id = p.person_id)) AS last_activity
    FROM cases.persons p`;

export interface ErasurePassResult {
  erased: number;
  cutoff: string;
}

/**
 * Erases the identity of persons nobody follows any more: fullName, phone, nationalId, dateOfBirth
 * and address become null and the notes of their investigations are removed; the pseudonymous
 * personId, area, vaccination and recovery stay for statistics, and so do cases, contacts and the
 * audit trail (which never held values). Each erasure is audited (ERASE, field names) in its own
 * transaction. By an admin route, and by a pass every PERSON_ERASURE_INTERVAL_MINUTES.
 */
@Injectable()
export class PersonErasure implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(PersonErasure.name);
  private task?: PeriodicTask;

  constructor(
    private readonly tx: TransactionHost,
    private readonly audit: AuditTrail,
    private readonly clock: ServiceClock,
    @Inject(SERVICE_ENV) private readonly env: CasesEnv,
  ) {}

  private cutoff(): Date {
    return new Date(this.clock.now().getTime() - this.env.PERSON_ERASURE_AFTER_DAYS * 86_400_000);
  }

  /** Erases one person, or says why not (404, 409 PERSON.NOT_ERASABLE with the reason); erasing twice is a no-op. */
  async erase(who: Principal, personId: string): Promise<{ personId: string; erasedAt: string }> {
    return this.tx.run(async (m) => {
      const [person] = await m.query('SELECT erased_at FROM cases.persons WHERE person_id = $1 FOR UPDATE', [personId]);
      if (!person) throw CasesErrors.personNotFound(personId);
      if (person.erased_at) return { personId, erasedAt: (person.erased_at as Date).toISOString() };
      const [state] = await m.query(`${ERASABLE} WHERE p.person_id = $1`, [personId]);
      const cutoff = this.cutoff();
      const reason = state.open_case
        ? 'the person has an open case'
        : state.open_quarantine
          ? 'the person has a quarantine that has not ended'
          : (state.last_activity as Date) > cutoff
            ? `the person's last case, quarantine or change ended less than ${this.env.PERSON_ERASURE_AFTER_DAYS} days ago (PERSON_ERASURE_AFTER_DAYS)`
            : null;
      if (reason) throw CasesErrors.personNotErasable(personId, reason);
      const erasedAt = await this.eraseLocked(m, who, personId);
      return { personId, erasedAt: erasedAt.toISOString() };
    });
  }

  /** Erases every person that may be erased now (in batches, each person in its own transaction). */
  async pass(): Promise<ErasurePassResult> {
    const cutoff = this.cutoff();
    let erased = 0;
    for (;;) {
      const batch: { person_id: string }[] = await this.tx.manager.query(
        `SELECT person_id FROM (${ERASABLE} WHERE p.erased_at IS NULL) s
          WHERE NOT open_case AND NOT open_quarantine AND last_activity <= $1 ORDER BY person_id LIMIT 500`,
        [cutoff],
      );
      if (batch.length === 0) break;
      for (const { person_id } of batch) {
        await this.tx.run(async (m) => {
          // Re-checked under the lock: a case opened since the select keeps the person.
          const [still] = await m.query(
            `SELECT 1 FROM (${ERASABLE} WHERE p.person_id = $2 AND p.erased_at IS NULL FOR UPDATE OF p SKIP LOCKED) s
              WHERE NOT open_case AND NOT open_quarantine AND last_activity <= $1`,
            [cutoff, person_id],
          );
          if (!still) return;
          await this.eraseLocked(m, ERASURE_JOB, person_id);
          erased++;
        });
      }
      if (batch.length < 500) break;
    }
    if (erased > 0)
      this.log.log(`erased the identity of ${erased} person(s) inactive since before ${cutoff.toISOString()}`);
    return { erased, cutoff: cutoff.toISOString() };
  }

  private async eraseLocked(
    m: { query: (sql: string, params?: unknown[]) => Promise<unknown> },
    who: Principal,
    personId: string,
  ): Promise<Date> {
    const now = this.clock.now();
    await m.query(
      `UPDATE cases.persons SET full_name = NULL, phone = NULL, national_id = NULL, date_of_birth = NULL, address = NULL, email = NULL,
              underlying_condition = NULL, pregnant = NULL, erased_at = $2, updated_at = $2 WHERE person_id = $1`,
      [personId, now],
    );
    await m.query(
      'UPDATE cases.investigations i SET notes = NULL, updated_at = $2 FROM cases.cases c WHERE c.id = i.case_id AND c.person_id = $1 AND i.notes IS NOT NULL',
      [personId, now],
    );
    await this.audit.record(who, 'ERASE', personId, ERASED_FIELDS);
    return now;
  }

  onApplicationBootstrap(): void {
    if (this.env.PERSON_ERASURE_INTERVAL_MINUTES === 0) return;
    const everyMs = this.env.PERSON_ERASURE_INTERVAL_MINUTES * 60_000;
    this.task = schedulePeriodic({
      everyMs,
      firstAfterMs: Math.min(everyMs, 60_000),
      run: () => this.pass(),
      onError: (err) => this.log.error(`erasure pass failed: ${err.message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}
