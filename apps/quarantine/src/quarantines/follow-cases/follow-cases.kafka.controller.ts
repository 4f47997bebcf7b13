import { EventEnvelope } from '@ct/contracts';
import { BatchInbox, HandleEvent } from '@ct/messaging';
import { TransactionHost } from '@ct/platform';
import { Controller } from '@nestjs/common';
import { IsolationService } from '../../care/isolate-cases/isolation.service';
import { QuarantineStore } from '../infrastructure/quarantine.store';
import { causeOf, QuarantineWorkflow } from '../quarantine.workflow';

/**
 * What quarantine follows on cases.v1: open cases (a person with one is not quarantined; a case
 * ends their quarantine, CONVERTED_TO_CASE, and escalates the watch of their F2s) and the
 * non-identifying profile (vaccination, recovery, area) that picks the regimen.
 *
 * cases.v1 is consumed in batch mode (lab results arrive by the thousand: LabResultMatched), and
 * every handler of a topic in batch mode gets arrays: these take runs of one type in the
 * partition's order and decide them one at a time, as before, in the batch's transaction, after
 * the batch inbox has left out the events already handled.
 */
@Controller()
export class FollowCasesKafkaController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: QuarantineStore,
    private readonly workflow: QuarantineWorkflow,
    private readonly isolation: IsolationService,
    private readonly inbox: BatchInbox,
  ) {}

  @HandleEvent('CaseConfirmed', { batch: true })
  async onCasesConfirmed(events: EventEnvelope<'CaseConfirmed'>[]): Promise<void> {
    await this.inbox.eachFresh(events, (e) => this.onCaseConfirmed(e));
  }

  @HandleEvent('CaseClosed', { batch: true })
  async onCasesClosed(events: EventEnvelope<'CaseClosed'>[]): Promise<void> {
    await this.inbox.eachFresh(events, (e) => this.onCaseClosed(e));
  }

  @HandleEvent('PersonProfileChanged', { batch: true })
  async onProfiles(events: EventEnvelope<'PersonProfileChanged'>[]): Promise<void> {
    await this.inbox.eachFresh(events, (e) => this.onProfile(e));
  }

  private async onCaseConfirmed(e: EventEnvelope<'CaseConfirmed'>): Promise<void> {
    const p = e.payload;
    await this.tx.manager.query(
      `INSERT INTO quarantine.open_cases (person_id, case_id, confirmed_at) VALUES ($1, $2, $3)
       ON CONFLICT (person_id) DO UPDATE SET case_id = EXCLUDED.case_id, confirmed_at = EXCLUDED.confirmed_at`,
      [p.personId, p.caseId, p.confirmedAt],
    );
    // The case's area: the area of its contacts' orders when they have no profile (area-scoped access).
    await this.tx.manager.query(
      'INSERT INTO quarantine.case_areas (case_id, person_id, area_code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [p.caseId, p.personId, p.areaCode],
    );
    const watchers = await this.store.watchersOf([p.personId]);
    const decisions = await this.workflow.run([
      { personId: p.personId, command: { type: 'BecomeCase' }, cause: causeOf(e.meta) },
      ...watchers.map((w) => ({ personId: w, command: { type: 'EscalateWatch' as const }, cause: causeOf(e.meta) })),
    ]);
    // Care pathway: the case is isolated in the same transaction its quarantine ends in.
    const converted = decisions.find((d) => d.type === 'Ended' && d.order.personId === p.personId);
    await this.isolation.caseConfirmed(p, converted?.type === 'Ended' ? converted.order.id : null, causeOf(e.meta));
  }

  private async onCaseClosed(e: EventEnvelope<'CaseClosed'>): Promise<void> {
    await this.tx.manager.query('DELETE FROM quarantine.open_cases WHERE person_id = $1 AND case_id = $2', [
      e.payload.personId,
      e.payload.caseId,
    ]);
    await this.isolation.caseClosed(e.payload, causeOf(e.meta));
  }

  private async onProfile(e: EventEnvelope<'PersonProfileChanged'>): Promise<void> {
    const p = e.payload;
    // Last writer by changedAt wins, so a late redelivery of an older profile changes nothing.
    await this.tx.manager.query(
      `INSERT INTO quarantine.person_profiles (person_id, area_code, vaccine_doses, last_dose_at, recovered_at, changed_at,
         age_band, underlying_condition, pregnant)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (person_id) DO UPDATE SET area_code = EXCLUDED.area_code, vaccine_doses = EXCLUDED.vaccine_doses,
         last_dose_at = EXCLUDED.last_dose_at, recovered_at = EXCLUDED.recovered_at, changed_at = EXCLUDED.changed_at,
         age_band = EXCLUDED.age_band, underlying_condition = EXCLUDED.underlying_condition, pregnant = EXCLUDED.pregnant
       WHERE quarantine.person_profiles.changed_at <= EXCLUDED.changed_at`,
      [
        p.personId,
        p.areaCode,
        p.vaccineDoses,
        p.lastDoseAt,
        p.recoveredAt,
        p.changedAt,
        p.ageBand ?? null,
        p.underlyingCondition ?? null,
        p.pregnant ?? null,
      ],
    );
    // Care pathway: a case isolated before its facts were known is placed again by policy.
    await this.isolation.reassess(p.personId, causeOf(e.meta));
  }
}
