import { TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../visits/domain/clock';
import { TRACING_CLOCK, TRACING_POLICY } from '../contacts.tokens';
import { Cause } from '../domain/contact-id';
import { CaseFacts, collapse, declarationOverlap, Finding, infectiousWindow } from '../domain/tracing-policy';
import { f1Overlaps, f2ByWindowEnd, queryOn, staysInside, tuneSession } from '../infrastructure/co-location.queries';
import { ContactStore, StoredContact } from '../infrastructure/contact-store';
import { ContactTracer, EnginePolicy } from '../trace-case/contact-tracer';
import { LateDataStore } from './late-data.store';

/** Whether a finding differs from the stored contact (or there is none). */
export function differs(k: StoredContact | undefined, f: Finding): boolean {
  return (
    !k ||
    k.degree !== f.degree ||
    k.sourcePersonId !== f.sourcePersonId ||
    k.venueId !== f.exposure.venueId ||
    k.start !== f.exposure.start ||
    k.end !== f.exposure.end ||
    k.firstExposureAt !== f.firstExposureAt ||
    k.lastExposureAt !== f.lastExposureAt
  );
}

/**
 * Traces a case again from everything stored now (late check-ins and check-outs, declarations that
 * raced its first tracing) with the same rules as the first tracing, each F1's F2 window ending at
 * their own identification time (an F1 found now is identified now), and makes the stored contacts
 * what it finds: new ones inserted, changed ones updated (one ContactIdentified each, same
 * contactId), and those no longer found (a stay turned out shorter than the default assumed for
 * it) deleted with a ContactWithdrawn.
 */
@Injectable()
export class CaseRetracer {
  constructor(
    private readonly tx: TransactionHost,
    private readonly tracer: ContactTracer,
    private readonly contacts: ContactStore,
    private readonly late: LateDataStore,
    @Inject(TRACING_POLICY) private readonly policy: EnginePolicy,
    @Inject(TRACING_CLOCK) private readonly clock: Clock,
  ) {}

  /** The contacts written (one ContactIdentified each) and withdrawn, or null when the case is not traced. */
  async retrace(caseId: string): Promise<{ written: Finding[]; withdrawn: number } | null> {
    const [r] = await this.tx.dataSource.query(
      `SELECT case_id, person_id, confirmed_at, symptom_onset_at, sample_taken_at, cause_event_id, correlation_id
       FROM tracing.traced_cases WHERE case_id = $1 AND traced_at IS NOT NULL`,
      [caseId],
    );
    if (!r) return null;
    const t = (v: Date | null) => (v ? new Date(v).getTime() : null);
    const c: CaseFacts = {
      caseId,
      personId: r.person_id,
      confirmedAt: new Date(r.confirmed_at).getTime(),
      symptomOnsetAt: t(r.symptom_onset_at),
      sampleTakenAt: t(r.sample_taken_at),
    };
    const cause: Cause = { eventId: r.cause_event_id ?? caseId, correlationId: r.correlation_id ?? caseId };
    const w = infectiousWindow(c, this.policy);
    const intent = await this.late.beginIntent(caseId, c.personId, w);
    try {
      return await this.tx.run(async () => {
        const now = this.clock.now().getTime();
        const q = queryOn(this.tx.manager);
        await tuneSession(this.tx.manager);
        const declared = await this.tracer.declarationsOf(caseId);
        const f1 = collapse(
          [
            ...(await f1Overlaps(q, c.personId, w, this.policy)),
            ...declared.filter((d) => d.sourcePersonId === c.personId).map(declarationOverlap),
          ],
          1,
        );
        const sites = await staysInside(q, c.personId, w, this.policy);
        const known = await this.contacts.contactsOf(caseId);
        // An F1 already stored keeps their F2 window's end (their identification); a new one is identified now.
        const until = (f: Finding) => {
          const k = known.get(f.personId);
          return k && k.degree === 1 ? k.identifiedAt : now;
        };
        const windows = f1.map((f) => ({
          personId: f.personId,
          from: f.firstExposureAt,
          to: Math.max(until(f), f.firstExposureAt),
        }));
        await this.late.detailIntent(intent, { sites, f1: windows });
        const found = [
          ...f1,
          ...(await f2ByWindowEnd(q, windows, [c.personId, ...f1.map((f) => f.personId)], this.policy)),
        ];
        const foundIds = new Set(found.map((f) => f.personId));
        await this.tx.manager.query('DELETE FROM tracing.exposure_sites WHERE case_id = $1', [caseId]);
        await this.tracer.storeSites(caseId, sites);
        const written = await this.contacts.storeChanges(
          caseId,
          found.filter((f) => differs(known.get(f.personId), f)),
          now,
          cause,
        );
        const withdrawn = await this.contacts.withdraw(
          caseId,
          [...known.values()].filter((k) => !foundIds.has(k.personId)),
          now,
          cause,
        );
        await this.tx.manager.query(
          'UPDATE tracing.traced_cases SET window_start = $2, window_end = $3 WHERE case_id = $1',
          [caseId, new Date(w.start), new Date(w.end)],
        );
        await this.late.endIntent(intent);
        return { written, withdrawn };
      });
    } catch (err) {
      await this.late.dropIntent(intent).catch(() => undefined);
      throw err;
    }
  }
}
