import { createEvent, EventEnvelope } from '@ct/contracts';
import { copyValue, pgConnectionOf, TransactionHost } from '@ct/platform';
import { EntityManager } from 'typeorm';
import { Outbox } from '@ct/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
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
import { EngineLimits, f1Overlaps, f2Findings, QueryFn, staysInside } from '../infrastructure/co-location.queries';

/**
 * ISO-8601 strings of instants, memoised for one store: a burst formats the same instants many
 * times over (each contact's row and event), and formatting costs more than a lookup.
 */
function isoMemo(): (ms: number) => string {
  const memo = new Map<number, string>();
  return (ms) => {
    let s = memo.get(ms);
    if (s === undefined) {
      s = new Date(ms).toISOString();
      memo.set(ms, s);
    }
    return s;
  };
}

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

/** What caused the tracing: carried into the ContactIdentified events' correlation and causation. */
export interface Cause {
  eventId: string;
  correlationId: string;
}

/** A contact id that is the same however often the same contact is found (sha-1 name-based UUID form). */
export function contactIdFor(caseId: string, personId: string): string {
  const h = createHash('sha1').update(`${caseId}\u0000${personId}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Traces a case: F1 from co-location in the infectious window plus declarations, F2 from each F1's
 * co-locations in [its earliest exposure, identification time], the case's exposure sites; stores the
 * new edges and queues one ContactIdentified per new edge (see traceCase for the stages).
 */
@Injectable()
export class ContactTracer {
  private readonly logger = new Logger(ContactTracer.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    @Inject(TRACING_POLICY) private readonly policy: EnginePolicy,
    @Inject(TRACING_CLOCK) private readonly clock: Clock,
  ) {}

  /** Named statements go straight to the transaction's pg connection, so it can keep their plans. */
  private get q(): QueryFn {
    return this.queryOn(this.tx.manager);
  }

  private queryOn(manager: EntityManager): QueryFn {
    return async (sql, params, name) => {
      const conn = pgConnectionOf(manager);
      if (name && conn) return (await conn.query({ name, text: sql, values: params })).rows;
      return manager.query(sql, params);
    };
  }

  /**
   * Plan the engine's statements once per connection (partitions are pruned at execution), and no
   * JIT: its compile time is more than these index-driven queries' run time.
   */
  private async tuneSession(manager = this.tx.manager): Promise<void> {
    await manager.query("SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('jit', 'off', true)");
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
    await this.tuneSession();
    const w = infectiousWindow(c, this.policy);
    const declared = await this.declarationsOf(c.caseId);
    const f1 = collapse(
      [...(await f1Overlaps(this.q, c.personId, w, this.policy)), ...declared.filter((d) => d.sourcePersonId === c.personId).map(declarationOverlap)],
      1,
    );
    const staged = f1.length > this.policy.stagedFromF1;
    // F2 only reads the visit store; staged, it runs beside the F1 stage and is used once that has
    // committed (or dropped with it), as two queries on two connections (half of the F1 each, so
    // PostgreSQL can use two cores), merged to one contact per person.
    const f2 = staged
      ? Promise.all(
          [f1.filter((_, i) => i % 2 === 0), f1.filter((_, i) => i % 2 === 1)].map((half) =>
            this.tx.dataSource.transaction(async (m) => {
              await this.tuneSession(m);
              return this.f2Of(this.queryOn(m), c, half, f1.map((f) => f.personId), identifiedAt);
            }),
          ),
        ).then(mergeFindings)
      : this.f2Of(this.q, c, f1, f1.map((f) => f.personId), identifiedAt);
    f2.catch(() => undefined); // a failure is met where it is awaited, or not at all after a rollback
    if (!staged) await f2;
    const sites = await staysInside(this.q, c.personId, w, this.policy);
    if (sites.length > 0) {
      await this.tx.manager.query(
        `INSERT INTO tracing.exposure_sites (case_id, venue_id, started_at, ended_at)
         SELECT $1, * FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[]) ON CONFLICT DO NOTHING`,
        [c.caseId, sites.map((s) => s.venueId), sites.map((s) => new Date(s.start)), sites.map((s) => new Date(s.end))],
      );
    }
    const stored = await this.store(c.caseId, staged ? f1 : [...f1, ...(await f2)], identifiedAt, cause);
    await this.tx.manager.query(
      `UPDATE tracing.traced_cases SET traced_at = $2, f2_expanded_at = CASE WHEN $5 THEN NULL ELSE now() END, cause_event_id = $3, correlation_id = $4
       WHERE case_id = $1`,
      [c.caseId, new Date(identifiedAt), cause.eventId, cause.correlationId, staged],
    );
    if (staged) await this.tx.afterCommit(() => this.expandSafely({ caseId: c.caseId, personId: c.personId, identifiedAt, cause }, f2));
    return { f1: stored.filter((f) => f.degree === 1).length };
  }

  /** F2 through `sources` (some or all of the case's F1): their contacts inside their F2 windows, minus the F0 and every F1 (`f1Ids`). */
  private f2Of(q: QueryFn, c: CaseFacts, sources: Finding[], f1Ids: string[], identifiedAt: number): Promise<Finding[]> {
    return f2Findings(q, sources.map((f) => ({ personId: f.personId, from: f2Window(f, identifiedAt).start })), identifiedAt, [c.personId, ...f1Ids], this.policy);
  }

  /** The F2 stage after its F1 stage committed; a failure is left to the resume pass, never thrown at the consumer. */
  private async expandSafely(job: Expansion, computed: Promise<Finding[]>): Promise<void> {
    try {
      await this.expandF2(job, computed);
    } catch (err) {
      this.logger.warn(`F2 of case ${job.caseId} not finished (${(err as Error).message}); the resume pass retries it`);
    }
  }

  /**
   * The F2 stage of a case: the contacts of its F1 (as stored) inside their F2 windows, stored and
   * published `f2Chunk` at a time, each chunk its own transaction; then the case is marked expanded.
   * Idempotent: contacts already stored (a resumed stage, a concurrent one) are not stored or
   * published again. `computed`: the F2 findings when already known (computed from the F1 in memory).
   */
  async expandF2(job: Expansion, computed?: Promise<Finding[]>): Promise<number> {
    const f2 = computed ? await computed : await this.tx.run(async () => {
      await this.tuneSession();
      const rows: { person_id: string; first_exposure_at: Date }[] = await this.tx.manager.query(
        'SELECT person_id, first_exposure_at FROM tracing.contacts WHERE source_case_id = $1 AND degree = 1',
        [job.caseId],
      );
      // Each F1's F2 window is [their first exposure, identification time] (f2Window).
      const sources = rows.map((r) => ({ personId: r.person_id, from: new Date(r.first_exposure_at).getTime() }));
      return f2Findings(this.q, sources, job.identifiedAt, [job.personId, ...sources.map((s) => s.personId)], this.policy);
    });
    let stored = 0;
    const size = this.policy.f2Chunk;
    for (let i = 0; i < f2.length; i += size) {
      stored += await this.tx.run(async () => (await this.store(job.caseId, f2.slice(i, i + size), job.identifiedAt, job.cause)).length);
    }
    await this.tx.dataSource.query('UPDATE tracing.traced_cases SET f2_expanded_at = now() WHERE case_id = $1', [job.caseId]);
    return stored;
  }

  /**
   * Resumes F2 stages that did not finish (the process stopped between the stages): cases whose
   * F1 stage committed more than `graceMs` ago and are not marked expanded. Returns how many.
   */
  async resumePending(graceMs: number, limit = 100): Promise<number> {
    const rows: { case_id: string; person_id: string; traced_at: Date; cause_event_id: string | null; correlation_id: string | null }[] =
      await this.tx.dataSource.query(
        `SELECT case_id, person_id, traced_at, cause_event_id, correlation_id FROM tracing.traced_cases
         WHERE f2_expanded_at IS NULL AND traced_at < $1 ORDER BY traced_at LIMIT $2`,
        [new Date(this.clock.now().getTime() - graceMs), limit],
      );
    for (const r of rows) {
      await this.expandF2({
        caseId: r.case_id,
        personId: r.person_id,
        identifiedAt: new Date(r.traced_at).getTime(),
        cause: { eventId: r.cause_event_id ?? r.case_id, correlationId: r.correlation_id ?? r.case_id },
      });
    }
    return rows.length;
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
    const f2 = await this.f2Of(this.q, c, f1, [...known.map((k) => k.person_id), d.personId], identifiedAt);
    return (await this.store(c.caseId, [...f1, ...f2], identifiedAt, cause)).length;
  }

  private async declarationsOf(caseId: string): Promise<Declaration[]> {
    const rows = await this.tx.manager.query(
      'SELECT source_person_id, person_id, kind, started_at, ended_at FROM tracing.declared_contacts WHERE case_id = $1',
      [caseId],
    );
    return rows.map((r: any) => ({ sourcePersonId: r.source_person_id, personId: r.person_id, kind: r.kind, start: new Date(r.started_at).getTime(), end: new Date(r.ended_at).getTime() }));
  }

  /**
   * Contacts none of which the case has yet (a fresh case's F1, a stage's F2 chunk), by COPY: half
   * the cost of an upsert for thousands of rows. If the case does have one of them (a resumed
   * stage), nothing of the COPY is kept (savepoint) and null tells the caller to upsert instead.
   */
  private async copyNew(caseId: string, findings: Finding[], identifiedAt: number, iso: (ms: number) => string): Promise<{ contact_id: string; person_id: string }[] | null> {
    const m = this.tx.manager;
    const v = copyValue;
    const identified = iso(identifiedAt);
    const ids = findings.map((f) => contactIdFor(caseId, f.personId));
    await m.query('SAVEPOINT contacts_copy');
    try {
      await this.tx.copyIn(
        `COPY tracing.contacts (contact_id, source_case_id, source_person_id, person_id, degree, kind, venue_id,
           started_at, ended_at, first_exposure_at, last_exposure_at, identified_at) FROM STDIN`,
        findings.map(
          (f, i) =>
            `${ids[i]}\t${v(caseId)}\t${v(f.sourcePersonId)}\t${v(f.personId)}\t${f.degree}\t${v(f.exposure.kind)}\t${v(f.exposure.venueId)}\t` +
            `${iso(f.exposure.start)}\t${iso(f.exposure.end)}\t${iso(f.firstExposureAt)}\t${iso(f.lastExposureAt)}\t${identified}\n`,
        ),
      );
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err; // unique_violation: some are stored already
      await m.query('ROLLBACK TO SAVEPOINT contacts_copy');
      return null;
    }
    await m.query('RELEASE SAVEPOINT contacts_copy');
    return findings.map((f, i) => ({ contact_id: ids[i], person_id: f.personId }));
  }

  /** Inserts the contacts new to the case and upgrades an F2 named F1 since; returns those written. */
  private upsert(caseId: string, findings: Finding[], identifiedAt: number): Promise<{ contact_id: string; person_id: string }[]> {
    const d = (n: number) => new Date(n);
    return this.tx.manager.query(
      `INSERT INTO tracing.contacts AS t (contact_id, source_case_id, source_person_id, person_id, degree, kind, venue_id,
         started_at, ended_at, first_exposure_at, last_exposure_at, identified_at)
       SELECT c, $2, sp, p, dg, k, v, s, e, fe, le, $3
       FROM unnest($1::uuid[], $4::text[], $5::text[], $6::smallint[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[])
         AS x(c, sp, p, dg, k, v, s, e, fe, le)
       ON CONFLICT (source_case_id, person_id) DO UPDATE SET
         source_person_id = EXCLUDED.source_person_id, degree = EXCLUDED.degree, kind = EXCLUDED.kind, venue_id = EXCLUDED.venue_id,
         started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, first_exposure_at = EXCLUDED.first_exposure_at,
         last_exposure_at = EXCLUDED.last_exposure_at, identified_at = EXCLUDED.identified_at
       WHERE t.degree > EXCLUDED.degree
       RETURNING contact_id, person_id`,
      [
        findings.map((f) => contactIdFor(caseId, f.personId)),
        caseId,
        d(identifiedAt),
        findings.map((f) => f.sourcePersonId),
        findings.map((f) => f.personId),
        findings.map((f) => f.degree),
        findings.map((f) => f.exposure.kind),
        findings.map((f) => f.exposure.venueId),
        findings.map((f) => d(f.exposure.start)),
        findings.map((f) => d(f.exposure.end)),
        findings.map((f) => d(f.firstExposureAt)),
        findings.map((f) => d(f.lastExposureAt)),
      ],
    );
  }

  /**
   * Inserts the contacts not already stored for the case, and upgrades an F2 to F1 (a declaration
   * naming someone already found as F2); queues one event per new or upgraded contact.
   */
  private async store(caseId: string, findings: Finding[], identifiedAt: number, cause: Cause): Promise<Finding[]> {
    if (findings.length === 0) return [];
    const iso = isoMemo();
    const stored = (findings.length >= this.policy.copyFrom && (await this.copyNew(caseId, findings, identifiedAt, iso))) || (await this.upsert(caseId, findings, identifiedAt));
    const ids = new Map(stored.map((r) => [r.person_id, r.contact_id]));
    const identified = iso(identifiedAt);
    const events: EventEnvelope[] = [];
    const news: Finding[] = [];
    findings.forEach((f) => {
      const contactId = ids.get(f.personId);
      if (!contactId) return;
      news.push(f);
      events.push(
        createEvent(
          'ContactIdentified',
          {
            contactId,
            personId: f.personId,
            sourcePersonId: f.sourcePersonId,
            sourceCaseId: caseId,
            degree: f.degree,
            exposure: { kind: f.exposure.kind, venueId: f.exposure.venueId, startedAt: iso(f.exposure.start), endedAt: iso(f.exposure.end) },
            lastExposureAt: iso(f.lastExposureAt),
            identifiedAt: identified,
          },
          { source: '/tracing', correlationId: cause.correlationId, causationId: cause.eventId },
        ),
      );
    });
    for (let i = 0; i < events.length; i += 5000) await this.outbox.add(...events.slice(i, i + 5000));
    return news;
  }
}
