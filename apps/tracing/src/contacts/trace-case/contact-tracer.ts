import { TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../visits/domain/clock';
import { TRACING_CLOCK, TRACING_POLICY } from '../contacts.tokens';
import {
  CaseFacts,
  collapse,
  Declaration,
  declarationOverlap,
  f2Window,
  Finding,
  infectiousWindow,
  mergeFindings,
  TracingPolicy,
} from '../domain/tracing-policy';
import { Cause } from '../domain/contact-id';
import {
  EngineLimits,
  f1Overlaps,
  f2Findings,
  QueryFn,
  queryOn,
  staysInside,
  tuneSession,
} from '../infrastructure/co-location.queries';
import { ContactStore } from '../infrastructure/contact-store';
import { LateDataStore } from '../late-data/late-data.store';
import { RetraceSignal } from '../late-data/retrace-signal';
import { F2Stage } from './f2-stage';

/** How big cases are traced (see traceCase). */
export interface Staging {
  /** A case with more F1 than this is traced in stages. */
  stagedFromF1: number;
  /** F2 contacts stored (and their events queued) per transaction of a staged case: each commit wakes the outbox relay. */
  f2Chunk: number;
  /** From this many contacts on, a store first tries COPY (see copyNew). */
  copyFrom: number;
}

export type EnginePolicy = TracingPolicy & EngineLimits & Staging;

/** An F2 stage to run: the case, its F0, the F1 identification time (end of the F2 windows), the cause. */
export interface Expansion {
  caseId: string;
  personId: string;
  identifiedAt: number;
  cause: Cause;
}

export { Cause, contactIdFor } from '../domain/contact-id';

/**
 * Traces a case: F1 from co-location in the infectious window plus declarations, F2 from each F1's
 * co-locations in [its earliest exposure, identification time], the case's exposure sites; stores the
 * new edges and queues one ContactIdentified per new edge (see traceCase for the stages).
 */
@Injectable()
export class ContactTracer {
  constructor(
    private readonly tx: TransactionHost,
    private readonly contacts: ContactStore,
    private readonly late: LateDataStore,
    private readonly signal: RetraceSignal,
    private readonly f2Stage: F2Stage,
    @Inject(TRACING_POLICY) private readonly policy: EnginePolicy,
    @Inject(TRACING_CLOCK) private readonly clock: Clock,
  ) {}

  /** Named statements go straight to the transaction's pg connection, so it can keep their plans. */
  private get q(): QueryFn {
    return queryOn(this.tx.manager);
  }

  private tuneSession(manager = this.tx.manager): Promise<void> {
    return tuneSession(manager);
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
    w: { start: number; end: number },
    intent: string,
  ): Promise<{ f1: number }> {
    await this.tuneSession();
    const declared = await this.declarationsOf(c.caseId);
    const f1 = collapse(
      [
        ...(await f1Overlaps(this.q, c.personId, w, this.policy)),
        ...declared.filter((d) => d.sourcePersonId === c.personId).map(declarationOverlap),
      ],
      1,
    );
    const sites = await staysInside(this.q, c.personId, w, this.policy);
    await this.late.detailIntent(intent, {
      sites,
      f1: f1.map((f) => ({ personId: f.personId, from: f2Window(f, identifiedAt).start, to: identifiedAt })),
    });
    const staged = f1.length > this.policy.stagedFromF1;
    // F2 only reads the visit store; staged, it runs beside the F1 stage and is used once that has
    // committed (or dropped with it), as two queries on two connections (half of the F1 each, so
    // PostgreSQL can use two cores), merged to one contact per person.
    const f2 = staged
      ? Promise.all(
          [f1.filter((_, i) => i % 2 === 0), f1.filter((_, i) => i % 2 === 1)].map((half) =>
            this.tx.dataSource.transaction(async (m) => {
              await this.tuneSession(m);
              return this.f2Of(
                queryOn(m),
                c,
                half,
                f1.map((f) => f.personId),
                identifiedAt,
              );
            }),
          ),
        ).then(mergeFindings)
      : this.f2Of(
          this.q,
          c,
          f1,
          f1.map((f) => f.personId),
          identifiedAt,
        );
    f2.catch(() => undefined); // a failure is met where it is awaited, or not at all after a rollback
    if (!staged) await f2;
    await this.storeSites(c.caseId, sites);
    const stored = await this.contacts.store(
      c.caseId,
      staged ? f1 : [...f1, ...(await f2)],
      identifiedAt,
      cause,
      this.policy.copyFrom,
    );
    await this.tx.manager.query(
      `UPDATE tracing.traced_cases SET traced_at = $2, f2_expanded_at = CASE WHEN $5 THEN NULL ELSE now() END, cause_event_id = $3, correlation_id = $4,
         window_start = $6, window_end = $7, f2_lease_owner = CASE WHEN $5 THEN $8 END, f2_lease_until = CASE WHEN $5 THEN now() + $9::interval END
       WHERE case_id = $1`,
      [
        c.caseId,
        new Date(identifiedAt),
        cause.eventId,
        cause.correlationId,
        staged,
        new Date(w.start),
        new Date(w.end),
        this.f2Stage.owner,
        this.f2Stage.leaseInterval,
      ],
    );
    await this.late.endIntent(intent);
    if (staged)
      await this.tx.afterCommit(() =>
        this.f2Stage.expandSafely({ caseId: c.caseId, personId: c.personId, identifiedAt, cause }, f2),
      );
    return { f1: stored.filter((f) => f.degree === 1).length };
  }

  /** The case's exposure sites (its stays clipped to the infectious window); a site found longer since is lengthened. */
  async storeSites(caseId: string, sites: { venueId: string; start: number; end: number }[]): Promise<void> {
    if (sites.length === 0) return;
    await this.tx.manager.query(
      `INSERT INTO tracing.exposure_sites AS x (case_id, venue_id, started_at, ended_at)
       SELECT $1, * FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[])
       ON CONFLICT (case_id, venue_id, started_at) DO UPDATE SET ended_at = EXCLUDED.ended_at WHERE x.ended_at < EXCLUDED.ended_at`,
      [caseId, sites.map((s) => s.venueId), sites.map((s) => new Date(s.start)), sites.map((s) => new Date(s.end))],
    );
  }

  /** F2 through `sources` (some or all of the case's F1): their contacts inside their F2 windows, minus the F0 and every F1 (`f1Ids`). */
  f2Of(q: QueryFn, c: CaseFacts, sources: Finding[], f1Ids: string[], identifiedAt: number): Promise<Finding[]> {
    return f2Findings(
      q,
      sources.map((f) => ({ personId: f.personId, from: f2Window(f, identifiedAt).start })),
      identifiedAt,
      [c.personId, ...f1Ids],
      this.policy,
    );
  }

  /** A declaration for a case already traced: one more F1 (unless already one) and their F2. */
  async addDeclared(c: CaseFacts, d: Declaration, cause: Cause): Promise<number> {
    const identifiedAt = this.clock.now().getTime();
    await this.tuneSession();
    const known: { person_id: string }[] = await this.tx.manager.query(
      'SELECT person_id FROM tracing.contacts WHERE source_case_id = $1 AND degree = 1',
      [c.caseId],
    );
    if (known.some((k) => k.person_id === d.personId) || d.personId === c.personId) return 0;
    const f1 = collapse([declarationOverlap(d)], 1);
    // The new F1's F2 window is read below: a batch of their stays committing meanwhile must see it.
    const intent = await this.late.beginIntent(c.caseId, c.personId, infectiousWindow(c, this.policy), {
      sites: [],
      f1: f1.map((f) => ({ personId: f.personId, from: f2Window(f, identifiedAt).start, to: identifiedAt })),
    });
    try {
      const f2 = await this.f2Of(this.q, c, f1, [...known.map((k) => k.person_id), d.personId], identifiedAt);
      const n = (await this.contacts.store(c.caseId, [...f1, ...f2], identifiedAt, cause, this.policy.copyFrom)).length;
      await this.late.endIntent(intent);
      return n;
    } catch (err) {
      await this.late.dropIntent(intent).catch(() => undefined);
      throw err;
    }
  }

  async declarationsOf(caseId: string): Promise<Declaration[]> {
    const rows = await this.tx.manager.query(
      'SELECT source_person_id, person_id, kind, started_at, ended_at FROM tracing.declared_contacts WHERE case_id = $1',
      [caseId],
    );
    return rows.map((r: any) => ({
      sourcePersonId: r.source_person_id,
      personId: r.person_id,
      kind: r.kind,
      start: new Date(r.started_at).getTime(),
      end: new Date(r.ended_at).getTime(),
    }));
  }
}
