import { createEvent, TestPurpose } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { addDays, QuarantinePolicy } from '../domain/policy';
import { EventCause, testScheduled } from '../quarantine.events';
import { QuarantineWorkflow } from '../quarantine.workflow';
import { QUARANTINE_POLICY } from '../quarantines.tokens';
import { ResultInput } from './record-test-result.handler';

/** A lab result matched to a person by cases (LabResultMatched): the test's id is the lab result's. */
export interface LabResult {
  testId: string;
  personId: string;
  purpose: 'SCREENING' | 'UNSCHEDULED';
  input: ResultInput;
  /** The LabResultMatched event: TestResultRecorded continues its correlation. */
  cause: EventCause;
}

/**
 * The batch path of lab results (LabResultMatched in batches): the set-based twin of
 * RecordTestResultHandler.other for results matched by cases.
 */
@Injectable()
export class RecordLabResultsHandler {
  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    private readonly workflow: QuarantineWorkflow,
    @Inject(QUARANTINE_POLICY) private readonly policy: QuarantinePolicy,
  ) {}

  /**
   * Many lab results at once (a bulk upload's LabResultMatched, batched), in the current
   * transaction, with the outcome `other(personId, purpose, input, testId)` gives them one at a
   * time in the same order: a result id seen before (in the database or earlier in the list)
   * records nothing; each new one is a RECORDED test of the person's active quarantine (none, or
   * self-monitoring: no quarantine) with its TestResultRecorded; a positive ends the quarantine
   * (CONVERTED_TO_CASE), an inconclusive one schedules a retest (in the quarantine, else outside).
   * An unscheduled result is never an exit test, so a negative releases nobody here, as in `other`.
   *
   * Set-based: per round one INSERT … SELECT finds each person's quarantine and records the new
   * results (ON CONFLICT on the test id: seen before), the events go to the outbox together and
   * the quarantine decisions run through one workflow pass. A person's second result in the list
   * goes to the next round, so it sees what the first one did (a positive's ended quarantine) as
   * it would one at a time; one person's result never changes another's. Returns the ids recorded.
   */
  labResults(results: LabResult[]): Promise<string[]> {
    return this.tx.run(async () => {
      const seen = new Set<string>();
      const turn = new Map<string, number>();
      const rounds: LabResult[][] = [];
      for (const r of results) {
        const id = r.testId.toLowerCase(); // a uuid, as PostgreSQL compares it
        if (seen.has(id)) continue;
        seen.add(id);
        const k = turn.get(r.personId) ?? 0;
        turn.set(r.personId, k + 1);
        (rounds[k] ??= []).push(r);
      }
      const recorded: string[] = [];
      for (const round of rounds) recorded.push(...(await this.labRound(round)));
      return recorded;
    });
  }

  private async labRound(round: LabResult[]): Promise<string[]> {
    const m = this.tx.manager;
    const now = this.workflow.now();
    const rows: { id: string; quarantine_id: string | null }[] = await m.query(
      `INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, status, result, test_type, sample_taken_at,
         recorded_at, recorded_by, scheduled_at)
       SELECT r.id, r.person_id, q.id, r.purpose, 'RECORDED', r.result, r.test_type, r.sample_taken_at, $8, r.recorded_by, $8
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
              AS r(id, person_id, purpose, result, test_type, sample_taken_at, recorded_by)
         LEFT JOIN quarantine.quarantines q
           ON q.person_id = r.person_id AND q.status = 'ACTIVE' AND q.kind <> 'SELF_MONITORING'
       ON CONFLICT (id) DO NOTHING
       RETURNING id, quarantine_id`,
      [
        round.map((r) => r.testId),
        round.map((r) => r.personId),
        round.map((r) => r.purpose),
        round.map((r) => r.input.result),
        round.map((r) => r.input.testType),
        round.map((r) => r.input.sampleTakenAt),
        round.map((r) => r.input.recordedBy),
        now,
      ],
    );
    const quarantineOf = new Map(rows.map((r) => [r.id, r.quarantine_id]));
    const fresh = round
      .filter((r) => quarantineOf.has(r.testId.toLowerCase()))
      .map((r) => {
        const quarantineId = quarantineOf.get(r.testId.toLowerCase()) ?? null;
        const event = createEvent(
          'TestResultRecorded',
          {
            testId: r.testId,
            personId: r.personId,
            quarantineId,
            result: r.input.result,
            testType: r.input.testType,
            purpose: r.purpose,
            sampleTakenAt: new Date(r.input.sampleTakenAt).toISOString(),
            recordedAt: now.toISOString(),
          },
          {
            source: '/quarantine',
            time: now.toISOString(),
            correlationId: r.cause.correlationId,
            causationId: r.cause.causationId,
          },
        );
        return {
          ...r,
          quarantineId,
          cause: { correlationId: event.meta.correlationId, causationId: event.meta.id },
          event,
        };
      });
    await this.outbox.add(...fresh.map((f) => f.event));
    await this.workflow.run(
      fresh
        .filter((f) => f.quarantineId !== null)
        .map((f) => ({
          personId: f.personId,
          cause: f.cause,
          command: {
            type: 'RecordResult' as const,
            result: f.input.result,
            day: null,
            dueOn: null,
            isExitTest: false,
          },
        })),
    );
    await this.retestsOutside(
      fresh.filter((f) => f.quarantineId === null && f.input.result === 'INCONCLUSIVE'),
      now,
    );
    return fresh.map((f) => f.testId);
  }

  /** retestOutside for many results at once: one INSERT, the TestScheduled events together. */
  private async retestsOutside(
    list: { personId: string; purpose: TestPurpose; cause: { correlationId: string; causationId: string } }[],
    now: Date,
  ): Promise<void> {
    if (list.length === 0) return;
    const dueOn = addDays(this.workflow.today(), this.policy.retestAfterDays);
    const tests = list.map((r) => ({ id: randomUUID(), personId: r.personId, purpose: r.purpose, cause: r.cause }));
    await this.tx.manager.query(
      `INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, due_on, status, scheduled_at)
       SELECT id, person_id, NULL, purpose, $4, 'SCHEDULED', $5 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t(id, person_id, purpose)`,
      [tests.map((t) => t.id), tests.map((t) => t.personId), tests.map((t) => t.purpose), dueOn, now],
    );
    await this.outbox.add(
      ...tests.map((t) =>
        testScheduled(
          { id: t.id, personId: t.personId, quarantineId: null, dueOn, day: null },
          now.toISOString(),
          t.cause,
        ),
      ),
    );
  }
}
