import { CaseClosed, CaseConfirmed, IsolationKind, IsolationTransferReason } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { ServiceClock } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { localDay } from '../../quarantines/domain/policy';
import { EventCause } from '../../quarantines/quarantine.events';
import { isolationEnded, isolationOrdered, isolationTestScheduled, isolationTransferred } from '../care.events';
import { CARE_POLICY } from '../care.tokens';
import { CarePolicy, chooseBed, isolationSchedule, placementFor } from '../domain/care-policy';
import { FacilityRow, Isolation, IsolationStore } from '../infrastructure/isolation.store';
import { FacilityBedsPublisher } from './facility-beds.publisher';

/**
 * Isolation of cases: orders one per CaseConfirmed (placed by policy), re-places it when the facts
 * or the home's eligibility arrive later, moves it to a facility on warning signs, ends it on
 * CaseClosed, and gives freed beds to people waiting. Runs inside the caller's transaction (the
 * consumed event's, or a request's), so a quarantined F1's quarantine ends and their isolation
 * starts in one commit. Whatever order the case, the facts and the eligibility arrive in, the
 * isolation ends in the same place (the events differ: an order, or an order and a transfer).
 * Each public operation ends with one FacilityBedsChanged per facility whose beds it changed
 * (`touched`: the facilities it took or freed a bed in, including beds then given to people waiting).
 */
@Injectable()
export class IsolationService {
  constructor(
    private readonly store: IsolationStore,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
    @Inject(CARE_POLICY) private readonly policy: CarePolicy,
    private readonly beds: FacilityBedsPublisher,
  ) {}

  today(): string {
    return localDay(this.clock.now(), this.policy.utcOffsetMinutes);
  }

  async caseConfirmed(p: CaseConfirmed, fromQuarantineId: string | null, cause: EventCause): Promise<Isolation | null> {
    if (await this.store.byCase(p.caseId)) return null;
    if (await this.store.active(p.personId)) return null;
    const now = this.clock.now();
    const today = this.today();
    const sampleDay = localDay(new Date(p.sampleTakenAt ?? p.confirmedAt), this.policy.utcOffsetMinutes);
    const firstDay = sampleDay > today ? today : sampleDay;
    const { facts, homeEligible } = await this.store.factsOf(p.personId);
    const kind = placementFor(facts, homeEligible, now, this.policy);
    const schedule = isolationSchedule(firstDay, today, this.policy);
    const place = kind === 'HOME' ? { facilityId: null, needsBed: false } : await this.bedFor(p.areaCode);
    const iso: Isolation = {
      id: randomUUID(),
      personId: p.personId,
      caseId: p.caseId,
      areaCode: p.areaCode,
      kind,
      ...place,
      escalated: false,
      firstDay,
      plannedEndOn: schedule.plannedEndOn,
      testDays: schedule.testDays,
      fromQuarantineId,
      status: 'ACTIVE',
    };
    await this.store.insert(iso, now);
    const tests = schedule.tests.map((t) => ({ id: randomUUID(), personId: iso.personId, isolationId: iso.id, ...t }));
    await this.store.insertTests(tests, now);
    const at = now.toISOString();
    await this.outbox.add(isolationOrdered(iso, at, cause), ...tests.map((t) => isolationTestScheduled(t, at, cause)));
    await this.beds.changed([iso.facilityId], cause);
    return iso;
  }

  async caseClosed(p: CaseClosed, cause: EventCause): Promise<void> {
    const iso = await this.store.byCase(p.caseId);
    if (!iso || iso.status !== 'ACTIVE') return;
    await this.end(iso, p.outcome, null, cause);
  }

  async end(iso: Isolation, reason: 'RELEASED' | 'RECOVERED' | 'DECEASED', testId: string | null, cause: EventCause) {
    const now = this.clock.now();
    await this.store.end(iso.id, reason, now);
    await this.outbox.add(isolationEnded(iso, reason, testId, now.toISOString(), cause));
    if (!iso.facilityId) return;
    const touched = new Set([iso.facilityId]);
    await this.assign(cause, touched);
    await this.beds.changed(touched, cause);
  }

  /** The facts or the home's eligibility changed: the place follows the policy, unless care was escalated. */
  async reassess(personId: string, cause: EventCause): Promise<Isolation | null> {
    const iso = await this.store.active(personId);
    if (!iso || iso.escalated) return null;
    const { facts, homeEligible } = await this.store.factsOf(personId);
    const kind = placementFor(facts, homeEligible, this.clock.now(), this.policy);
    if (kind === iso.kind) return null;
    const touched = new Set<string>();
    const after =
      kind === 'HOME'
        ? await this.move(iso, { kind, facilityId: null, needsBed: false }, 'REASSESSED', false, cause, touched)
        : await this.moveToFacility(iso, 'HOME_INELIGIBLE', false, cause, touched);
    await this.beds.changed(touched, cause);
    return after;
  }

  /** Moves an isolation to a treatment facility (a free bed, else needsBed). */
  async toFacility(iso: Isolation, reason: IsolationTransferReason, escalated: boolean, cause: EventCause) {
    const touched = new Set<string>();
    const after = await this.moveToFacility(iso, reason, escalated, cause, touched);
    await this.beds.changed(touched, cause);
    return after;
  }

  private async moveToFacility(
    iso: Isolation,
    reason: IsolationTransferReason,
    escalated: boolean,
    cause: EventCause,
    touched: Set<string>,
  ) {
    const place = await this.bedFor(iso.areaCode);
    return this.move(iso, { kind: 'TREATMENT_FACILITY', ...place }, reason, escalated, cause, touched);
  }

  /**
   * Gives free beds to isolations waiting for one, oldest first (BED_ASSIGNED). With `touched`, the
   * facilities whose beds changed are added to it and the caller publishes them (with its own
   * changes, once); without, FacilityBedsChanged is published here.
   */
  async assignBeds(cause: EventCause, touched?: Set<string>): Promise<number> {
    if (touched) return this.assign(cause, touched);
    const mine = new Set<string>();
    const assigned = await this.assign(cause, mine);
    await this.beds.changed(mine, cause);
    return assigned;
  }

  private async assign(cause: EventCause, touched: Set<string>): Promise<number> {
    const waiting = await this.store.waitingForBeds(500);
    if (waiting.length === 0) return 0;
    const facilities = await this.store.facilities();
    let assigned = 0;
    for (const iso of waiting) {
      const bed = await this.takeBed(facilities, iso.areaCode);
      if (!bed) break;
      await this.move(
        iso,
        { kind: 'TREATMENT_FACILITY', facilityId: bed, needsBed: false },
        'BED_ASSIGNED',
        iso.escalated,
        cause,
        touched,
      );
      assigned++;
    }
    return assigned;
  }

  private async bedFor(areaCode: string): Promise<{ facilityId: string | null; needsBed: boolean }> {
    const bed = await this.takeBed(await this.store.facilities(), areaCode);
    return { facilityId: bed, needsBed: bed === null };
  }

  /**
   * A free bed by policy (own area first), locked until the transaction ends; `facilities` is
   * updated with the bed taken. A facility found full once locked (a concurrent handler took its
   * last bed) is skipped and the next is tried.
   */
  private async takeBed(facilities: FacilityRow[], areaCode: string): Promise<string | null> {
    const occupied = new Map(facilities.map((f) => [f.id, f.occupied]));
    for (;;) {
      const bed = chooseBed(facilities, occupied, areaCode);
      if (!bed) return null;
      const f = facilities.find((x) => x.id === bed)!;
      if (await this.store.takeBed(bed)) {
        f.occupied = (occupied.get(bed) ?? 0) + 1;
        return bed;
      }
      f.occupied = f.capacity;
      occupied.set(bed, f.capacity);
    }
  }

  private async move(
    iso: Isolation,
    to: { kind: IsolationKind; facilityId: string | null; needsBed: boolean },
    reason: IsolationTransferReason,
    escalated: boolean,
    cause: EventCause,
    touched: Set<string>,
  ): Promise<Isolation> {
    const now = this.clock.now();
    const after: Isolation = { ...iso, ...to, escalated };
    await this.store.place(iso.id, { ...to, escalated }, now);
    await this.outbox.add(isolationTransferred(iso, after, reason, now.toISOString(), cause));
    if (iso.facilityId !== to.facilityId) for (const f of [iso.facilityId, to.facilityId]) if (f) touched.add(f);
    if (iso.facilityId && iso.facilityId !== to.facilityId) await this.assign(cause, touched);
    return after;
  }
}
