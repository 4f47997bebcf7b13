import { TransactionHost, ServiceClock } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { TRACING_POLICY } from '../contacts.tokens';
import { Cause } from '../domain/contact-id';
import {
  CaseFacts,
  collapse,
  Declaration,
  declarationOverlap,
  f2Window,
  infectiousWindow,
  Interval,
} from '../domain/tracing-policy';
import { EnginePolicy } from '../engine-policy';
import { QueryFn, queryOn, staysInside, tuneSession } from '../infrastructure/co-location.queries';
import { ContactStore } from '../infrastructure/contact-store';
import { ExposureAlertStore } from '../infrastructure/exposure-alert.store';
import { TracedCaseStore } from '../infrastructure/traced-case.store';
import { LateDataStore } from '../late-data/late-data.store';
import { RetraceSignal } from '../late-data/retrace-signal';
import { F2Stage } from './f2-stage';
import { f1Of, f2Of } from './findings';

/**
 * Traces a case: F1 from co-location in the infectious window plus declarations, F2 from each F1's
 * co-locations in [its earliest exposure, identification time], the case's exposure sites; stores the
 * new edges and queues one ContactIdentified per new edge (see traceCase for the stages). The SQL is
 * the stores' (contacts, traced case) and co-location.queries'; a staged case's F2 is F2Stage's.
 */
@Injectable()
export class ContactTracer {
  constructor(
    private readonly tx: TransactionHost,
    private readonly contacts: ContactStore,
    private readonly cases: TracedCaseStore,
    private readonly late: LateDataStore,
    private readonly signal: RetraceSignal,
    private readonly f2Stage: F2Stage,
    private readonly alerts: ExposureAlertStore,
    @Inject(TRACING_POLICY) private readonly policy: EnginePolicy,
    private readonly clock: ServiceClock,
  ) {}

  /** Named statements go straight to the transaction's pg connection, so it can keep their plans. */
  private get q(): QueryFn {
    return queryOn(this.tx.manager);
  }

  /**
   * Traces a case. Most cases, in the caller's transaction at once: F1 (co-location and
   * declarations), F2, the exposure sites, the contacts and their events. A case with more than
   * `stagedFromF1` F1 (a super-spreader) in stages: F1 in the caller's transaction, while F2's query
   * runs on a connection of its own; once the F1 stage has committed (its events are then on their
   * way to Kafka), F2 in transactions of `f2Chunk` contacts. Returns the number of F1 stored.
   */
  async traceCase(c: CaseFacts, cause: Cause): Promise<{ f1: number }> {
    const identifiedAt = this.clock.now().getTime();
    const w = infectiousWindow(c, this.policy);
    // Committed before the visit store is read, so a check-in batch committing meanwhile asks for a retrace (LateDataStore).
    const intent = await this.late.beginIntent(c.caseId, c.personId, w);
    try {
      const result = await this.traceWithIntent(c, cause, identifiedAt, w, intent);
      await this.tx.afterCommit(() => Promise.resolve(this.signal.kick())); // a retrace asked for while the case was traced may now run
      return result;
    } catch (err) {
      await this.late.dropIntent(intent).catch(() => undefined);
      throw err;
    }
  }

  private async traceWithIntent(
    c: CaseFacts,
    cause: Cause,
    identifiedAt: number,
    w: Interval,
    intent: string,
  ): Promise<{ f1: number }> {
    await tuneSession(this.tx.manager);
    const declared = await this.cases.declarationsOf(c.caseId);
    const f1 = await f1Of(this.q, c, w, declared, this.policy);
    const sites = await staysInside(this.q, c.personId, w, this.policy);
    await this.late.detailIntent(intent, {
      sites,
      f1: f1.map((f) => ({ personId: f.personId, from: f2Window(f, identifiedAt).start, to: identifiedAt })),
    });
    const staged = f1.length > this.policy.stagedFromF1;
    // F2 only reads the visit store; staged, it runs beside the F1 stage and is used once that has
    // committed (or dropped with it).
    const f2 = staged
      ? this.f2Stage.query(c, f1, identifiedAt)
      : f2Of(
          this.q,
          c,
          f1,
          f1.map((f) => f.personId),
          identifiedAt,
          this.policy,
        );
    f2.catch(() => undefined); // a failure is met where it is awaited, or not at all after a rollback
    if (!staged) await f2;
    await this.cases.storeSites(c.caseId, sites);
    const stored = await this.contacts.store(
      c.caseId,
      staged ? f1 : [...f1, ...(await f2)],
      identifiedAt,
      cause,
      this.policy.copyFrom,
    );
    // The site visitors who are no contact: a staged case's once its F2 stage has stored every F2.
    if (!staged) await this.alerts.raise(c.caseId, c.personId, identifiedAt, cause);
    await this.cases.markTraced(c.caseId, {
      identifiedAt,
      cause,
      staged,
      window: w,
      lease: { owner: this.f2Stage.owner, interval: this.f2Stage.leaseInterval },
    });
    await this.late.endIntent(intent);
    if (staged)
      await this.tx.afterCommit(() =>
        this.f2Stage.expandSafely({ caseId: c.caseId, personId: c.personId, identifiedAt, cause }, f2),
      );
    return { f1: stored.filter((f) => f.degree === 1).length };
  }

  /** A declaration for a case already traced: one more F1 (unless already one) and their F2. */
  async addDeclared(c: CaseFacts, d: Declaration, cause: Cause): Promise<number> {
    const identifiedAt = this.clock.now().getTime();
    await tuneSession(this.tx.manager);
    const known = await this.contacts.f1PersonIds(c.caseId);
    if (known.some((k) => k === d.personId) || d.personId === c.personId) return 0;
    const f1 = collapse([declarationOverlap(d)], 1);
    // The new F1's F2 window is read below: a batch of their stays committing meanwhile must see it.
    const intent = await this.late.beginIntent(c.caseId, c.personId, infectiousWindow(c, this.policy), {
      sites: [],
      f1: f1.map((f) => ({ personId: f.personId, from: f2Window(f, identifiedAt).start, to: identifiedAt })),
    });
    try {
      const f2 = await f2Of(this.q, c, f1, [...known, d.personId], identifiedAt, this.policy);
      const n = (await this.contacts.store(c.caseId, [...f1, ...f2], identifiedAt, cause, this.policy.copyFrom)).length;
      await this.late.endIntent(intent);
      return n;
    } catch (err) {
      await this.late.dropIntent(intent).catch(() => undefined);
      throw err;
    }
  }
}
