import { TransactionHost } from '@ct/platform';
import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { TracingEnv } from '../../config';
import { TRACING_POLICY } from '../contacts.tokens';
import { Cause } from '../domain/contact-id';
import { CaseFacts, Finding, mergeFindings } from '../domain/tracing-policy';
import { EnginePolicy } from '../engine-policy';
import { f2ByWindowEnd, queryOn, tuneSession } from '../infrastructure/co-location.queries';
import { ContactStore } from '../infrastructure/contact-store';
import { ExposureAlertStore } from '../infrastructure/exposure-alert.store';
import { TracedCaseStore } from '../infrastructure/traced-case.store';
import { f2Of } from './findings';

/** An F2 stage to run: the case, its F0, the F1 identification time (end of the F2 windows), the cause. */
export interface Expansion {
  caseId: string;
  personId: string;
  identifiedAt: number;
  cause: Cause;
}

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
    private readonly cases: TracedCaseStore,
    private readonly alerts: ExposureAlertStore,
    @Inject(TRACING_POLICY) private readonly policy: EnginePolicy,
    @Inject(SERVICE_ENV) env: TracingEnv,
  ) {
    this.owner = env.TRACING_INSTANCE_ID || hostname();
    this.leaseInterval = `${env.TRACING_F2_LEASE_SECONDS} seconds`;
  }

  /**
   * A staged case's F2, started beside its F1 stage (it only reads the visit store): two queries on
   * two connections of their own, half of the F1 each (so PostgreSQL can use two cores), merged to
   * one contact per person. Used once the F1 stage has committed, or dropped with it.
   */
  query(c: CaseFacts, f1: Finding[], identifiedAt: number): Promise<Finding[]> {
    return Promise.all(
      [f1.filter((_, i) => i % 2 === 0), f1.filter((_, i) => i % 2 === 1)].map((half) =>
        this.tx.dataSource.transaction(async (m) => {
          await tuneSession(m);
          return f2Of(
            queryOn(m),
            c,
            half,
            f1.map((f) => f.personId),
            identifiedAt,
            this.policy,
          );
        }),
      ),
    ).then(mergeFindings);
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
          await this.cases.renewLease(job.caseId, this.owner, this.leaseInterval);
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
      // Every F2 is stored now: the site visitors left are no contact of the case.
      await this.tx.run(async () => {
        await this.alerts.raise(job.caseId, job.personId, job.identifiedAt, job.cause);
        await this.cases.markExpanded(job.caseId);
      });
      return stored;
    } finally {
      this.running.delete(job.caseId);
    }
  }

  private fromStoredF1(job: Expansion): Promise<Finding[]> {
    return this.tx.run(async () => {
      await tuneSession(this.tx.manager);
      // Each F1's F2 window is [their first exposure, their identification] (f2Window).
      const windows = await this.contacts.f1Windows(job.caseId);
      return f2ByWindowEnd(
        queryOn(this.tx.manager),
        windows,
        [job.personId, ...windows.map((w) => w.personId)],
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
      const r = await this.cases.leasePending(this.owner, this.leaseInterval, graceMs, [...this.running]);
      if (!r) break;
      this.log.log(`resuming the F2 stage of case ${r.caseId}`);
      await this.expand({ caseId: r.caseId, personId: r.personId, identifiedAt: r.tracedAt, cause: r.cause });
    }
    return n;
  }
}
