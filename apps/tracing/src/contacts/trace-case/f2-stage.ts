import { returned, TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { TracingEnv } from '../../config';
import { TRACING_POLICY } from '../contacts.tokens';
import { Finding } from '../domain/tracing-policy';
import { f2ByWindowEnd, queryOn, tuneSession } from '../infrastructure/co-location.queries';
import { ContactStore } from '../infrastructure/contact-store';
import type { EnginePolicy, Expansion } from './contact-tracer';

/**
 * The F2 stage of a super-spreader, after its F1 stage committed: stored `f2Chunk` contacts per
 * transaction, then the case is marked expanded. The instance that runs it holds a lease on the case
 * (`traced_cases.f2_lease_owner/until`, renewed at every chunk); a stage whose lease ran out (its
 * instance died) is taken over by any instance's resume pass, and one whose owner is this instance
 * but which is not running here (this instance restarted) at the first pass after start.
 */
@Injectable()
export class F2Stage {
  private readonly log = new Logger(F2Stage.name);
  /** Who holds leases: TRACING_INSTANCE_ID, else the host name (one instance per host in production). */
  readonly owner: string;
  readonly leaseInterval: string;
  private readonly running = new Set<string>();

  constructor(
    private readonly tx: TransactionHost,
    private readonly contacts: ContactStore,
    @Inject(TRACING_POLICY) private readonly policy: EnginePolicy,
    @Inject(SERVICE_ENV) env: TracingEnv,
  ) {
    this.owner = env.TRACING_INSTANCE_ID || hostname();
    this.leaseInterval = `${env.TRACING_F2_LEASE_SECONDS} seconds`;
  }

  /** The F2 stage right after its F1 stage committed; a failure is left to the resume pass, never thrown at the consumer. */
  async expandSafely(job: Expansion, computed: Promise<Finding[]>): Promise<void> {
    try {
      await this.expand(job, computed);
    } catch (err) {
      this.log.warn(`F2 of case ${job.caseId} not finished (${(err as Error).message}); the resume pass retries it`);
    }
  }

  /**
   * The F2 stage of a case: the contacts of its F1 (as stored, each F1's window ending at their own
   * identification) stored and published `f2Chunk` at a time, each chunk its own transaction that
   * renews the lease; then the case is marked expanded and the lease dropped. Idempotent: contacts
   * already stored (a resumed stage, a concurrent one) are not stored or published again.
   * `computed`: the F2 findings when already known (computed from the F1 in memory).
   */
  async expand(job: Expansion, computed?: Promise<Finding[]>): Promise<number> {
    this.running.add(job.caseId);
    try {
      const f2 = computed ? await computed : await this.fromStoredF1(job);
      let stored = 0;
      const size = this.policy.f2Chunk;
      for (let i = 0; i < f2.length; i += size) {
        stored += await this.tx.run(async () => {
          await this.tx.manager.query(
            'UPDATE tracing.traced_cases SET f2_lease_until = now() + $2::interval WHERE case_id = $1 AND f2_lease_owner = $3',
            [job.caseId, this.leaseInterval, this.owner],
          );
          return (
            await this.contacts.store(
              job.caseId,
              f2.slice(i, i + size),
              job.identifiedAt,
              job.cause,
              this.policy.copyFrom,
            )
          ).length;
        });
      }
      await this.tx.dataSource.query(
        'UPDATE tracing.traced_cases SET f2_expanded_at = now(), f2_lease_owner = NULL, f2_lease_until = NULL WHERE case_id = $1',
        [job.caseId],
      );
      return stored;
    } finally {
      this.running.delete(job.caseId);
    }
  }

  private fromStoredF1(job: Expansion): Promise<Finding[]> {
    return this.tx.run(async () => {
      await tuneSession(this.tx.manager);
      const rows: { person_id: string; first_exposure_at: Date; identified_at: Date }[] = await this.tx.manager.query(
        'SELECT person_id, first_exposure_at, identified_at FROM tracing.contacts WHERE source_case_id = $1 AND degree = 1',
        [job.caseId],
      );
      // Each F1's F2 window is [their first exposure, their identification] (f2Window).
      const windows = rows.map((r) => ({
        personId: r.person_id,
        from: new Date(r.first_exposure_at).getTime(),
        to: new Date(r.identified_at).getTime(),
      }));
      return f2ByWindowEnd(
        queryOn(this.tx.manager),
        windows,
        [job.personId, ...rows.map((r) => r.person_id)],
        this.policy,
      );
    });
  }

  /**
   * Resumes F2 stages that did not finish: cases not marked expanded whose lease ran out, or whose
   * lease is this instance's though the stage is not running here (this instance restarted), traced
   * more than `graceMs` ago. Each is leased first, so two instances never resume one case together.
   * Returns how many were resumed.
   */
  async resumePending(graceMs = 0, limit = 100): Promise<number> {
    let n = 0;
    for (; n < limit; n++) {
      const running = [...this.running];
      const [r] = returned<{
        case_id: string;
        person_id: string;
        traced_at: Date;
        cause_event_id: string | null;
        correlation_id: string | null;
      }>(
        await this.tx.dataSource.query(
          `UPDATE tracing.traced_cases t SET f2_lease_owner = $1, f2_lease_until = now() + $2::interval
         WHERE t.case_id = (
           SELECT case_id FROM tracing.traced_cases
           WHERE f2_expanded_at IS NULL AND traced_at IS NOT NULL AND traced_at < now() - $3::interval
             AND (f2_lease_until IS NULL OR f2_lease_until < now() OR (f2_lease_owner = $1 AND NOT case_id = ANY($4::text[])))
           ORDER BY traced_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING case_id, person_id, traced_at, cause_event_id, correlation_id`,
          [this.owner, this.leaseInterval, `${graceMs} milliseconds`, running],
        ),
      );
      if (!r) break;
      this.log.log(`resuming the F2 stage of case ${r.case_id}`);
      await this.expand({
        caseId: r.case_id,
        personId: r.person_id,
        identifiedAt: new Date(r.traced_at).getTime(),
        cause: { eventId: r.cause_event_id ?? r.case_id, correlationId: r.correlation_id ?? r.case_id },
      });
    }
    return n;
  }
}
