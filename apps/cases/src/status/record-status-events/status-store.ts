import {
  ContactIdentified,
  QuarantineEnded,
  QuarantineExtended,
  QuarantineOrdered,
  QuarantineTransferred,
  TestResultRecorded,
  TestScheduled,
} from '@ct/contracts';
import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { KnownContact, KnownQuarantine, KnownTest } from '../domain/person-status';

/** One event per test, the last of each (one statement cannot upsert a row twice). */
function lastPerTest<T extends { testId: string }>(list: T[]): T[] {
  const last = new Map<string, T>();
  for (const e of list) {
    last.delete(e.testId.toLowerCase());
    last.set(e.testId.toLowerCase(), e);
  }
  return [...last.values()];
}

const iso = (v: unknown) => (v === null || v === undefined ? null : (v as Date).toISOString());

/**
 * The person status read model: what the other services told us (contacts, quarantines, tests),
 * keyed by personId. Every write is idempotent by the event's own id (contactId, quarantineId, testId).
 */
@Injectable()
export class StatusStore {
  constructor(private readonly tx: TransactionHost) {}

  async contact(e: ContactIdentified): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO cases.status_contacts (contact_id, person_id, source_person_id, source_case_id, degree, kind, last_exposure_at, identified_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (contact_id) DO UPDATE SET last_exposure_at = GREATEST(status_contacts.last_exposure_at, EXCLUDED.last_exposure_at)`,
      [
        e.contactId,
        e.personId,
        e.sourcePersonId,
        e.sourceCaseId,
        e.degree,
        e.exposure.kind,
        e.lastExposureAt,
        e.identifiedAt,
      ],
    );
  }

  async quarantineOrdered(e: QuarantineOrdered): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO cases.status_quarantines (quarantine_id, person_id, kind, degree, day_zero, starts_at, ends_at, ordered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (quarantine_id) DO NOTHING`,
      [e.quarantineId, e.personId, e.kind, e.degree, e.dayZero, e.startsAt, e.endsAt, e.orderedAt],
    );
  }

  /** Many orders in one statement (a super-spreader's), as quarantineOrdered does each. */
  async quarantinesOrdered(es: QuarantineOrdered[]): Promise<void> {
    if (es.length === 0) return;
    await this.tx.manager.query(
      `INSERT INTO cases.status_quarantines (quarantine_id, person_id, kind, degree, day_zero, starts_at, ends_at, ordered_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::date[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[])
       ON CONFLICT (quarantine_id) DO NOTHING`,
      [
        es.map((e) => e.quarantineId),
        es.map((e) => e.personId),
        es.map((e) => e.kind),
        es.map((e) => e.degree),
        es.map((e) => e.dayZero),
        es.map((e) => e.startsAt),
        es.map((e) => e.endsAt),
        es.map((e) => e.orderedAt),
      ],
    );
  }

  async quarantineExtended(e: QuarantineExtended): Promise<void> {
    await this.tx.manager.query(
      'UPDATE cases.status_quarantines SET ends_at = $2, day_zero = $3 WHERE quarantine_id = $1',
      [e.quarantineId, e.endsAt, e.dayZero],
    );
  }

  /** A change of kind; an F2 watch escalated to a quarantine now counts as first degree (F1). */
  async quarantineTransferred(e: QuarantineTransferred): Promise<void> {
    await this.tx.manager.query(
      `UPDATE cases.status_quarantines SET kind = $2, ends_at = $3, day_zero = $4, degree = CASE WHEN $5 = 'ESCALATED' THEN 1 ELSE degree END
        WHERE quarantine_id = $1`,
      [e.quarantineId, e.kind, e.endsAt, e.dayZero, e.reason],
    );
  }

  async quarantineEnded(e: QuarantineEnded): Promise<void> {
    await this.tx.manager.query(
      'UPDATE cases.status_quarantines SET ended_at = $2, end_reason = $3 WHERE quarantine_id = $1',
      [e.quarantineId, e.endedAt, e.reason],
    );
  }

  async testScheduled(e: TestScheduled): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO cases.status_tests (test_id, person_id, quarantine_id, due_on, day, scheduled_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (test_id) DO UPDATE SET due_on = EXCLUDED.due_on, day = EXCLUDED.day, scheduled_at = EXCLUDED.scheduled_at`,
      [e.testId, e.personId, e.quarantineId, e.dueOn, e.day, e.scheduledAt],
    );
  }

  async testResult(e: TestResultRecorded): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO cases.status_tests (test_id, person_id, quarantine_id, result, test_type, purpose, sample_taken_at, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (test_id) DO UPDATE SET result = EXCLUDED.result, test_type = EXCLUDED.test_type, purpose = EXCLUDED.purpose,
         sample_taken_at = EXCLUDED.sample_taken_at, recorded_at = EXCLUDED.recorded_at`,
      [e.testId, e.personId, e.quarantineId, e.result, e.testType, e.purpose, e.sampleTakenAt, e.recordedAt],
    );
  }

  /** testScheduled for many events in one statement (a test twice: the later event wins, as in turn). */
  async testsScheduled(list: TestScheduled[]): Promise<void> {
    const tests = lastPerTest(list);
    if (tests.length === 0) return;
    await this.tx.manager.query(
      `INSERT INTO cases.status_tests (test_id, person_id, quarantine_id, due_on, day, scheduled_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::date[], $5::int[], $6::timestamptz[])
       ON CONFLICT (test_id) DO UPDATE SET due_on = EXCLUDED.due_on, day = EXCLUDED.day, scheduled_at = EXCLUDED.scheduled_at`,
      [
        tests.map((e) => e.testId),
        tests.map((e) => e.personId),
        tests.map((e) => e.quarantineId),
        tests.map((e) => e.dueOn),
        tests.map((e) => e.day),
        tests.map((e) => e.scheduledAt),
      ],
    );
  }

  /** testResult for many events in one statement (a test twice: the later event wins, as in turn). */
  async testResults(list: TestResultRecorded[]): Promise<void> {
    const tests = lastPerTest(list);
    if (tests.length === 0) return;
    await this.tx.manager.query(
      `INSERT INTO cases.status_tests (test_id, person_id, quarantine_id, result, test_type, purpose, sample_taken_at, recorded_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
       ON CONFLICT (test_id) DO UPDATE SET result = EXCLUDED.result, test_type = EXCLUDED.test_type, purpose = EXCLUDED.purpose,
         sample_taken_at = EXCLUDED.sample_taken_at, recorded_at = EXCLUDED.recorded_at`,
      [
        tests.map((e) => e.testId),
        tests.map((e) => e.personId),
        tests.map((e) => e.quarantineId),
        tests.map((e) => e.result),
        tests.map((e) => e.testType),
        tests.map((e) => e.purpose),
        tests.map((e) => e.sampleTakenAt),
        tests.map((e) => e.recordedAt),
      ],
    );
  }

  /** The person's open case, if any. */
  async openCase(personId: string): Promise<{ caseId: string; confirmedAt: string; areaCode: string } | null> {
    const [open] = await this.tx.manager.query(
      `SELECT id, confirmed_at, area_code FROM cases.cases WHERE person_id = $1 AND status = 'OPEN'`,
      [personId],
    );
    return open
      ? {
          caseId: open.id as string,
          confirmedAt: (open.confirmed_at as Date).toISOString(),
          areaCode: open.area_code as string,
        }
      : null;
  }

  async facts(
    personId: string,
  ): Promise<{ contacts: KnownContact[]; quarantines: KnownQuarantine[]; tests: KnownTest[] }> {
    const m = this.tx.manager;
    const [contacts, quarantines, tests] = await Promise.all([
      m.query('SELECT * FROM cases.status_contacts WHERE person_id = $1', [personId]),
      m.query(
        `SELECT *, to_char(day_zero, 'YYYY-MM-DD') AS day_zero_s FROM cases.status_quarantines WHERE person_id = $1`,
        [personId],
      ),
      m.query(`SELECT *, to_char(due_on, 'YYYY-MM-DD') AS due_on_s FROM cases.status_tests WHERE person_id = $1`, [
        personId,
      ]),
    ]);
    return {
      contacts: contacts.map((r: Record<string, unknown>) => ({
        contactId: r.contact_id,
        degree: r.degree,
        sourcePersonId: r.source_person_id,
        sourceCaseId: r.source_case_id,
        kind: r.kind,
        lastExposureAt: iso(r.last_exposure_at)!,
        identifiedAt: iso(r.identified_at)!,
      })),
      quarantines: quarantines.map((r: Record<string, unknown>) => ({
        quarantineId: r.quarantine_id,
        kind: r.kind,
        degree: r.degree,
        dayZero: r.day_zero_s,
        startsAt: iso(r.starts_at)!,
        endsAt: iso(r.ends_at)!,
        orderedAt: iso(r.ordered_at)!,
        endedAt: iso(r.ended_at),
        endReason: r.end_reason ?? null,
      })),
      tests: tests.map((r: Record<string, unknown>) => ({
        testId: r.test_id,
        quarantineId: r.quarantine_id ?? null,
        dueOn: r.due_on_s ?? null,
        day: r.day ?? null,
        scheduledAt: iso(r.scheduled_at),
        result: r.result ?? null,
        testType: r.test_type ?? null,
        purpose: r.purpose ?? null,
        sampleTakenAt: iso(r.sample_taken_at),
        recordedAt: iso(r.recorded_at),
      })),
    };
  }
}
