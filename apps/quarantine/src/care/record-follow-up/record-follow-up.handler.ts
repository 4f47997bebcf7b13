import { CareSetting, createEvent, EventEnvelope, FollowUpStatus, Symptom, WarningSign } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { ServiceClock, TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QuarantineErrors } from '../../errors';
import { localDay } from '../../quarantines/domain/policy';
import { testScheduled } from '../../quarantines/quarantine.events';
import { healthCheckRecorded, opts } from '../care.events';
import { CARE_POLICY } from '../care.tokens';
import { CarePolicy, contactIsSymptomatic, daysBetween, warningSignsOf } from '../domain/care-policy';
import { FollowUpRecordings } from '../infrastructure/follow-up-recordings';
import { FollowUp, FollowUpStore } from '../infrastructure/follow-up.store';
import { IsolationStore } from '../infrastructure/isolation.store';
import { IsolationService } from '../isolate-cases/isolation.service';

/** The quarantine day of a test (null outside 0–366, which TestScheduled cannot carry). */
function dayOf(dayZero: string, day: string): number | null {
  const d = daysBetween(dayZero, day);
  return d >= 0 && d <= 366 ? d : null;
}

/** What a check measured: the reading of a DONE follow-up; nothing for UNREACHABLE. */
function readingOf(input: FollowUpInput): { temperatureC: number | null; spo2: number | null; symptoms: Symptom[] } {
  return input.status === 'DONE'
    ? { temperatureC: input.temperatureC, spo2: input.spo2, symptoms: input.symptoms }
    : { temperatureC: null, spo2: null, symptoms: [] };
}

export interface FollowUpInput {
  status: FollowUpStatus;
  temperatureC: number | null;
  spo2: number | null;
  symptoms: Symptom[];
  note: string | null;
  source: 'STAFF' | 'SELF_REPORT';
  by: string;
}

export interface RecordedFollowUp {
  followUpId: string;
  status: FollowUpStatus;
  warningSigns: WarningSign[];
  /** What the check led to: a move to a treatment facility, a test today, or nothing. */
  escalation: { to: 'TREATMENT_FACILITY' | 'TEST_TODAY'; facilityId: string | null; testId: string | null } | null;
}

/**
 * Records one follow-up (staff or self-report) and applies the warning-sign policy in the same
 * transaction: a case at home with a warning sign moves to a treatment facility (escalated: the
 * policy no longer moves them home), a contact with symptoms gets a test due today on the worklist
 * (once a day). HealthCheckRecorded never carries the note.
 */
@Injectable()
export class RecordFollowUpHandler {
  constructor(
    private readonly tx: TransactionHost,
    private readonly store: FollowUpStore,
    private readonly recordings: FollowUpRecordings,
    private readonly isolations: IsolationStore,
    private readonly isolation: IsolationService,
    private readonly outbox: Outbox,
    private readonly clock: ServiceClock,
    @Inject(CARE_POLICY) private readonly policy: CarePolicy,
  ) {}

  /**
   * Records follow-up `id` for a caller who may see it (`visible`; else 404). A check that cannot
   * escalate (no warning sign for a case, no symptom for a contact) is written with its event in
   * one statement, guarded by the status it was read with; one that may escalate, or one that
   * changed in between, takes the locked transaction of record().
   */
  async recordOne(id: string, input: FollowUpInput, visible: (f: FollowUp) => boolean): Promise<RecordedFollowUp> {
    const p = this.policy;
    const done = input.status === 'DONE';
    const feverToday = done && input.temperatureC !== null && input.temperatureC >= p.feverC;
    const f = await this.recordings.peek(id, feverToday ? { days: p.feverDays, feverC: p.feverC } : null);
    if (!f || !visible(f)) throw QuarantineErrors.followUpNotFound(id);
    if (f.status === 'DONE' || f.status === 'CANCELLED') throw QuarantineErrors.followUpClosed(f.id, f.status);
    const reading = readingOf(input);
    const signs = done ? warningSignsOf(reading, f.dueOn, f.feverDays, p) : [];
    const mayEscalate =
      done && (f.subject === 'ISOLATION' ? signs.length > 0 : contactIsSymptomatic(reading, signs, p));
    if (!mayEscalate) {
      const now = this.clock.now();
      const values = { ...input, ...reading, warningSigns: signs };
      const event = healthCheckRecorded(f, values, now.toISOString());
      if (await this.recordings.write(f, values, now, event))
        return { followUpId: f.id, status: input.status, warningSigns: signs, escalation: null };
    }
    return this.tx.run(async () => {
      const locked = await this.store.lock(id);
      if (!locked || !visible(locked)) throw QuarantineErrors.followUpNotFound(id);
      return this.record(locked, input);
    });
  }

  record(f: FollowUp, input: FollowUpInput): Promise<RecordedFollowUp> {
    return this.tx.run(async () => {
      if (f.status === 'DONE' || f.status === 'CANCELLED') throw QuarantineErrors.followUpClosed(f.id, f.status);
      const now = this.clock.now();
      const p = this.policy;
      const done = input.status === 'DONE';
      const reading = readingOf(input);
      // The earlier fever days matter only when today's temperature is high (one query less otherwise).
      const feverToday = done && reading.temperatureC !== null && reading.temperatureC >= p.feverC;
      const fever = feverToday
        ? await this.store.highFeverDays(f.personId, f.dueOn, p.feverDays, p.feverC)
        : new Set<string>();
      const signs = done ? warningSignsOf(reading, f.dueOn, fever, p) : [];
      const values = { ...input, ...reading, warningSigns: signs };
      await this.store.record(f.id, values, now);
      const at = now.toISOString();
      // The events of this check go to the outbox in one statement at the end (before a transfer,
      // whose own events follow them, as they did when each was added at once).
      const pending: EventEnvelope[] = [healthCheckRecorded(f, values, at)];
      const escalation = done ? await this.escalate(f, reading, signs, at, pending) : null;
      await this.outbox.add(...pending);
      return { followUpId: f.id, status: input.status, warningSigns: signs, escalation };
    });
  }

  private async escalate(
    f: FollowUp,
    reading: { temperatureC: number | null; spo2: number | null; symptoms: Symptom[] },
    signs: WarningSign[],
    at: string,
    pending: EventEnvelope[],
  ): Promise<RecordedFollowUp['escalation']> {
    const base = {
      escalationId: randomUUID(),
      personId: f.personId,
      areaCode: f.areaCode ?? 'unknown',
      orderId: f.orderId,
    };
    if (f.subject === 'ISOLATION') {
      if (signs.length === 0) return null;
      const iso = await this.isolations.active(f.personId);
      if (!iso || iso.id !== f.orderId || iso.kind !== 'HOME') return null;
      await this.outbox.add(...pending.splice(0));
      const moved = await this.isolation.toFacility(iso, 'ESCALATED', true, {});
      this.escalated(pending, {
        ...base,
        followUpId: f.id,
        reason: 'WARNING_SIGNS',
        warningSigns: signs,
        from: 'HOME_ISOLATION',
        to: 'TREATMENT_FACILITY',
        facilityId: moved.facilityId,
        testId: null,
        escalatedAt: at,
      });
      return { to: 'TREATMENT_FACILITY', facilityId: moved.facilityId, testId: null };
    }
    if (!contactIsSymptomatic(reading, signs, this.policy)) return null;
    const testId = await this.testToday(f, at, pending);
    if (!testId) return null;
    const from: CareSetting = f.subject === 'WATCH' ? 'WATCH' : 'QUARANTINE';
    this.escalated(pending, {
      ...base,
      followUpId: f.id,
      reason: signs.length ? 'WARNING_SIGNS' : 'SYMPTOMATIC_CONTACT',
      warningSigns: signs,
      from,
      to: 'TEST_TODAY',
      facilityId: null,
      testId,
      escalatedAt: at,
    });
    return { to: 'TEST_TODAY', facilityId: null, testId };
  }

  private escalated(pending: EventEnvelope[], payload: Parameters<typeof createEvent<'CareEscalated'>>[1]) {
    pending.push(createEvent('CareEscalated', payload, opts({}, payload.escalatedAt)));
  }

  /** A test due today for a contact, on the worklist; null when one is already scheduled for today. */
  private async testToday(f: FollowUp, at: string, pending: EventEnvelope[]): Promise<string | null> {
    const today = localDay(this.clock.now(), this.policy.utcOffsetMinutes);
    // The lock first, then the check: a test another transaction added for today is seen once it commits.
    const [q] = await this.tx.queryPrepared<{ day_zero: string }>(
      `SELECT to_char(day_zero, 'YYYY-MM-DD') AS day_zero FROM quarantine.quarantines WHERE id = $1 AND status = 'ACTIVE' FOR UPDATE`,
      [f.orderId],
    );
    if (!q) return null;
    const [existing] = await this.tx.queryPrepared(
      `SELECT id FROM quarantine.tests WHERE person_id = $1 AND status = 'SCHEDULED' AND due_on = $2::date LIMIT 1`,
      [f.personId, today],
    );
    if (existing) return null;
    const test = {
      id: randomUUID(),
      personId: f.personId,
      quarantineId: f.orderId,
      dueOn: today,
      day: dayOf(q.day_zero, today),
    };
    await this.tx.queryPrepared(
      `INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, due_on, day, status, scheduled_at)
       VALUES ($1, $2, $3, 'QUARANTINE', $4, $5, 'SCHEDULED', $6)`,
      [test.id, test.personId, test.quarantineId, test.dueOn, test.day, at],
    );
    pending.push(testScheduled(test, at, {}));
    return test.id;
  }
}
