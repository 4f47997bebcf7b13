import { TransactionHost, ServiceClock } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { TRACING_POLICY } from '../contacts.tokens';
import { Finding, infectiousWindow } from '../domain/tracing-policy';
import { EnginePolicy } from '../engine-policy';
import { f2ByWindowEnd, queryOn, staysInside, tuneSession } from '../infrastructure/co-location.queries';
import { ContactStore, StoredContact } from '../infrastructure/contact-store';
import { ExposureAlertStore } from '../infrastructure/exposure-alert.store';
import { TracedCaseStore } from '../infrastructure/traced-case.store';
import { f1Of } from '../trace-case/findings';
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
    private readonly cases: TracedCaseStore,
    private readonly contacts: ContactStore,
    private readonly late: LateDataStore,
    private readonly alerts: ExposureAlertStore,
    @Inject(TRACING_POLICY) private readonly policy: EnginePolicy,
    private readonly clock: ServiceClock,
  ) {}

  /** The contacts written (one ContactIdentified each) and withdrawn, or null when the case is not traced. */
  async retrace(caseId: string): Promise<{ written: Finding[]; withdrawn: number } | null> {
    const traced = await this.cases.traced(caseId);
    if (!traced) return null;
    const { facts: c, cause } = traced;
    const w = infectiousWindow(c, this.policy);
    const intent = await this.late.beginIntent(caseId, c.personId, w);
    try {
      return await this.tx.run(async () => {
        const now = this.clock.now().getTime();
        const q = queryOn(this.tx.manager);
        await tuneSession(this.tx.manager);
        const declared = await this.cases.declarationsOf(caseId);
        const f1 = await f1Of(q, c, w, declared, this.policy);
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
        await this.cases.replaceSites(caseId, sites);
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
        // Site visitors found late (a late check-in, a withdrawn contact who still overlapped a site).
        await this.alerts.raise(caseId, c.personId, now, cause);
        await this.cases.setWindow(caseId, w);
        await this.late.endIntent(intent);
        return { written, withdrawn };
      });
    } catch (err) {
      await this.late.dropIntent(intent).catch(() => undefined);
      throw err;
    }
  }
}
