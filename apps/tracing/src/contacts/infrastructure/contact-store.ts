import { EventEnvelope } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { returned, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { Cause } from '../domain/contact-id';
import { Finding } from '../domain/tracing-policy';
import { contactIdentified, contactWithdrawn, isoMemo } from './contact-events';
import { copyContacts, upsertContacts, Written } from './contact-rows';

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

/** A stored F1's window for finding their F2: [first exposure, identification]. */
export interface F1Window {
  personId: string;
  from: number;
  to: number;
}

/**
 * tracing.contacts and the ContactIdentified events of what is written, in the current transaction:
 * one contact per (case, person); new contacts by COPY when there are many, else by upsert
 * (contact-rows.ts); an F2 named F1 later is upgraded; a retrace stores the contacts it found new
 * or better. The events themselves are built in contact-events.ts.
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

  /** The persons stored as the case's F1. */
  async f1PersonIds(caseId: string): Promise<string[]> {
    const rows: { person_id: string }[] = await this.tx.manager.query(
      'SELECT person_id FROM tracing.contacts WHERE source_case_id = $1 AND degree = 1',
      [caseId],
    );
    return rows.map((r) => r.person_id);
  }

  /** The case's stored F1, each with their F2 window [first exposure, their own identification]. */
  async f1Windows(caseId: string): Promise<F1Window[]> {
    const rows: { person_id: string; first_exposure_at: Date; identified_at: Date }[] = await this.tx.manager.query(
      'SELECT person_id, first_exposure_at, identified_at FROM tracing.contacts WHERE source_case_id = $1 AND degree = 1',
      [caseId],
    );
    return rows.map((r) => ({
      personId: r.person_id,
      from: new Date(r.first_exposure_at).getTime(),
      to: new Date(r.identified_at).getTime(),
    }));
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
      (findings.length >= copyFrom && (await copyContacts(this.tx, caseId, findings, identifiedAt, iso))) ||
      (await upsertContacts(this.tx, caseId, findings, identifiedAt, false));
    return this.publish(caseId, findings, stored, identifiedAt, cause, iso);
  }

  /**
   * A retrace's result (`findings`: the contacts that are new or differ from what is stored):
   * inserted (identified now), or set to what the retrace found, keeping the identification time
   * unless an F2 became F1 now. All are marked found late; one event per contact written.
   */
  async storeChanges(caseId: string, findings: Finding[], identifiedAt: number, cause: Cause): Promise<Finding[]> {
    if (findings.length === 0) return [];
    const stored = await upsertContacts(this.tx, caseId, findings, identifiedAt, true);
    return this.publish(caseId, findings, stored, identifiedAt, cause, isoMemo());
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
    const events = rows.map((r) => contactWithdrawn(caseId, r, withdrawnAt, cause));
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
      const identified = iso(w.identified_at ? new Date(w.identified_at).getTime() : identifiedAt);
      events.push(contactIdentified(caseId, w.contact_id, f, identified, cause, iso));
    }
    for (let i = 0; i < events.length; i += 5000) await this.outbox.add(...events.slice(i, i + 5000));
    return news;
  }
}
