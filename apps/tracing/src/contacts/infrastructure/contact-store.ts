import { createEvent, EventEnvelope } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { copyValue, returned, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { Cause, contactIdFor } from '../domain/contact-id';
import { Finding } from '../domain/tracing-policy';

/**
 * ISO-8601 strings of instants, memoised for one store: a burst formats the same instants many
 * times over (each contact's row and event), and formatting costs more than a lookup.
 */
export function isoMemo(): (ms: number) => string {
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

/** A contact as stored: what a retrace compares its new findings with. */
export interface StoredContact {
  personId: string;
  sourcePersonId: string;
  degree: 1 | 2;
  venueId: string | null;
  start: number;
  end: number;
  firstExposureAt: number;
  lastExposureAt: number;
  identifiedAt: number;
}

/** A written contact: its id, person and identification time (for its event). */
interface Written {
  contact_id: string;
  person_id: string;
  identified_at?: Date;
}

/**
 * tracing.contacts and the ContactIdentified events of what is written, in the current transaction:
 * one contact per (case, person); new contacts by COPY when there are many, else by upsert; an F2
 * named F1 later is upgraded; a retrace stores the contacts it found new or better.
 */
@Injectable()
export class ContactStore {
  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
  ) {}

  /** The case's contacts by person. */
  async contactsOf(caseId: string): Promise<Map<string, StoredContact>> {
    const rows = await this.tx.manager.query(
      `SELECT person_id, source_person_id, degree, venue_id, started_at, ended_at, first_exposure_at, last_exposure_at, identified_at
       FROM tracing.contacts WHERE source_case_id = $1`,
      [caseId],
    );
    const t = (v: Date) => new Date(v).getTime();
    return new Map(
      rows.map((r: any) => [
        r.person_id,
        {
          personId: r.person_id,
          sourcePersonId: r.source_person_id,
          degree: r.degree,
          venueId: r.venue_id,
          start: t(r.started_at),
          end: t(r.ended_at),
          firstExposureAt: t(r.first_exposure_at),
          lastExposureAt: t(r.last_exposure_at),
          identifiedAt: t(r.identified_at),
        },
      ]),
    );
  }

  /**
   * Inserts the contacts not already stored for the case, and upgrades an F2 to F1 (a declaration
   * naming someone already found as F2); queues one event per new or upgraded contact.
   * `copyFrom`: from this many findings on, COPY is tried first.
   */
  async store(
    caseId: string,
    findings: Finding[],
    identifiedAt: number,
    cause: Cause,
    copyFrom: number,
  ): Promise<Finding[]> {
    if (findings.length === 0) return [];
    const iso = isoMemo();
    const stored =
      (findings.length >= copyFrom && (await this.copyNew(caseId, findings, identifiedAt, iso))) ||
      (await this.upsert(caseId, findings, identifiedAt, false));
    return this.publish(caseId, findings, stored, identifiedAt, cause, iso);
  }

  /**
   * A retrace's result (`findings`: the contacts that are new or differ from what is stored):
   * inserted (identified now), or set to what the retrace found, keeping the identification time
   * unless an F2 became F1 now. All are marked found late; one event per contact written.
   */
  async storeChanges(caseId: string, findings: Finding[], identifiedAt: number, cause: Cause): Promise<Finding[]> {
    if (findings.length === 0) return [];
    const stored = await this.upsert(caseId, findings, identifiedAt, true);
    return this.publish(caseId, findings, stored, identifiedAt, cause, isoMemo());
  }

  /**
   * Contacts none of which the case has yet (a fresh case's F1, a stage's F2 chunk), by COPY: half
   * the cost of an upsert for thousands of rows. If the case does have one of them (a resumed
   * stage), nothing of the COPY is kept (savepoint) and null tells the caller to upsert instead.
   */
  private async copyNew(
    caseId: string,
    findings: Finding[],
    identifiedAt: number,
    iso: (ms: number) => string,
  ): Promise<Written[] | null> {
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

  /**
   * Inserts the contacts new to the case and upgrades an F2 named F1 since. With `late` (a retrace,
   * which computed the whole truth from everything stored), a contact that differs in anything is
   * set to the finding, keeping its identification time unless it became F1 now; every row written
   * is marked found late. Returns those written.
   */
  private upsert(caseId: string, findings: Finding[], identifiedAt: number, late: boolean): Promise<Written[]> {
    const d = (n: number) => new Date(n);
    const changed = late
      ? `(t.source_person_id, t.degree, t.kind, t.venue_id, t.started_at, t.ended_at, t.first_exposure_at, t.last_exposure_at)
           IS DISTINCT FROM (EXCLUDED.source_person_id, EXCLUDED.degree, EXCLUDED.kind, EXCLUDED.venue_id, EXCLUDED.started_at, EXCLUDED.ended_at,
             EXCLUDED.first_exposure_at, EXCLUDED.last_exposure_at)`
      : 't.degree > EXCLUDED.degree';
    return this.tx.manager.query(
      `INSERT INTO tracing.contacts AS t (contact_id, source_case_id, source_person_id, person_id, degree, kind, venue_id,
         started_at, ended_at, first_exposure_at, last_exposure_at, identified_at, found_late)
       SELECT c, $2, sp, p, dg, k, v, s, e, fe, le, $3, $13
       FROM unnest($1::uuid[], $4::text[], $5::text[], $6::smallint[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[])
         AS x(c, sp, p, dg, k, v, s, e, fe, le)
       ON CONFLICT (source_case_id, person_id) DO UPDATE SET
         source_person_id = EXCLUDED.source_person_id, degree = EXCLUDED.degree, kind = EXCLUDED.kind, venue_id = EXCLUDED.venue_id,
         started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, first_exposure_at = EXCLUDED.first_exposure_at,
         last_exposure_at = EXCLUDED.last_exposure_at,
         identified_at = CASE WHEN t.degree > EXCLUDED.degree THEN EXCLUDED.identified_at ELSE t.identified_at END,
         found_late = t.found_late OR EXCLUDED.found_late
       WHERE ${changed}
       RETURNING contact_id, person_id, identified_at`,
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
        late,
      ],
    );
  }

  /**
   * Deletes contacts a retrace no longer finds (a stay turned out shorter than assumed) and queues
   * one ContactWithdrawn each. Returns how many.
   */
  async withdraw(caseId: string, gone: StoredContact[], at: number, cause: Cause): Promise<number> {
    if (gone.length === 0) return 0;
    const rows = returned<{ contact_id: string; person_id: string; degree: 1 | 2 }>(
      await this.tx.manager.query(
        'DELETE FROM tracing.contacts WHERE source_case_id = $1 AND person_id = ANY($2::text[]) RETURNING contact_id, person_id, degree',
        [caseId, gone.map((g) => g.personId)],
      ),
    );
    const withdrawnAt = new Date(at).toISOString();
    const events = rows.map((r) =>
      createEvent(
        'ContactWithdrawn',
        {
          contactId: r.contact_id,
          personId: r.person_id,
          sourceCaseId: caseId,
          previousDegree: r.degree,
          reason: 'NO_LONGER_EXPOSED',
          withdrawnAt,
        },
        { source: '/tracing', correlationId: cause.correlationId, causationId: cause.eventId },
      ),
    );
    if (events.length > 0) await this.outbox.add(...events);
    return events.length;
  }

  /** One ContactIdentified per written contact, through the outbox; returns the findings written. */
  private async publish(
    caseId: string,
    findings: Finding[],
    stored: Written[],
    identifiedAt: number,
    cause: Cause,
    iso: (ms: number) => string,
  ): Promise<Finding[]> {
    const written = new Map(stored.map((r) => [r.person_id, r]));
    const events: EventEnvelope[] = [];
    const news: Finding[] = [];
    for (const f of findings) {
      const w = written.get(f.personId);
      if (!w) continue;
      news.push(f);
      events.push(
        createEvent(
          'ContactIdentified',
          {
            contactId: w.contact_id,
            personId: f.personId,
            sourcePersonId: f.sourcePersonId,
            sourceCaseId: caseId,
            degree: f.degree,
            exposure: {
              kind: f.exposure.kind,
              venueId: f.exposure.venueId,
              startedAt: iso(f.exposure.start),
              endedAt: iso(f.exposure.end),
            },
            lastExposureAt: iso(f.lastExposureAt),
            identifiedAt: iso(w.identified_at ? new Date(w.identified_at).getTime() : identifiedAt),
          },
          { source: '/tracing', correlationId: cause.correlationId, causationId: cause.eventId },
        ),
      );
    }
    for (let i = 0; i < events.length; i += 5000) await this.outbox.add(...events.slice(i, i + 5000));
    return news;
  }
}
