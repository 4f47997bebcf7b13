import { createEvent, TestPurpose, TestResult, TestType } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { addDays, QuarantinePolicy } from '../domain/policy';
import { QuarantineStore } from '../infrastructure/quarantine.store';
import { testScheduled } from '../quarantine.events';
import { QuarantineWorkflow } from '../quarantine.workflow';
import { QUARANTINE_POLICY } from '../quarantines.tokens';
import { QuarantineErrors } from '../../errors';

export interface ResultInput {
  result: TestResult;
  testType: TestType;
  sampleTakenAt: string;
  recordedBy: string;
}

export interface RecordedResult {
  testId: string;
  personId: string;
  quarantineId: string | null;
  result: TestResult;
  /** What followed: CONVERTED_TO_CASE, RETEST_SCHEDULED, SOURCES_CLEARED (F2s released), or null. */
  outcome: string | null;
  retestId: string | null;
}

/** Records a result (scheduled or not), publishes TestResultRecorded and applies the result rules. */
@Injectable()
export class RecordTestResultHandler {
  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    private readonly store: QuarantineStore,
    private readonly workflow: QuarantineWorkflow,
    @Inject(QUARANTINE_POLICY) private readonly policy: QuarantinePolicy,
  ) {}

  scheduled(testId: string, input: ResultInput): Promise<RecordedResult> {
    return this.tx.run(async (m) => {
      const [t] = await m.query(
        `SELECT id, person_id, quarantine_id, isolation_id, purpose, status, to_char(due_on, 'YYYY-MM-DD') AS due_on, day FROM quarantine.tests WHERE id = $1 FOR UPDATE`,
        [testId],
      );
      if (!t) throw QuarantineErrors.testNotFound(testId);
      if (t.status !== 'SCHEDULED') throw QuarantineErrors.testNotScheduled(testId, t.status);
      return this.record(
        {
          id: t.id,
          personId: t.person_id,
          quarantineId: t.quarantine_id,
          purpose: t.purpose,
          dueOn: t.due_on,
          day: t.day,
          isolationId: t.isolation_id,
        },
        input,
        false,
      );
    });
  }

  /**
   * A screening or unscheduled result. `testId` given (a lab result matched by cases: its resultId):
   * a second call with it records nothing and returns null.
   */
  other(
    personId: string,
    purpose: 'SCREENING' | 'UNSCHEDULED',
    input: ResultInput,
    testId?: string,
  ): Promise<RecordedResult | null> {
    return this.tx.run(async (m) => {
      if (testId !== undefined) {
        const [seen] = await m.query('SELECT 1 AS n FROM quarantine.tests WHERE id = $1', [testId]);
        if (seen) return null;
      }
      const [q] = await m.query(
        `SELECT id FROM quarantine.quarantines WHERE person_id = $1 AND status = 'ACTIVE' AND kind <> 'SELF_MONITORING'`,
        [personId],
      );
      const id = testId ?? randomUUID();
      await m.query(
        `INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, status, scheduled_at) VALUES ($1, $2, $3, $4, 'SCHEDULED', $5)`,
        [id, personId, q?.id ?? null, purpose, this.workflow.now()],
      );
      return this.record({ id, personId, quarantineId: q?.id ?? null, purpose, dueOn: null, day: null }, input, true);
    });
  }

  private async record(
    t: {
      id: string;
      personId: string;
      quarantineId: string | null;
      purpose: TestPurpose;
      dueOn: string | null;
      day: number | null;
      /** A case's release test (care pathway): its retest is the care pass's, not this handler's. */
      isolationId?: string | null;
    },
    input: ResultInput,
    unscheduled: boolean,
  ): Promise<RecordedResult> {
    const m = this.tx.manager;
    const now = this.workflow.now();
    await m.query(
      `UPDATE quarantine.tests SET status = 'RECORDED', result = $2, test_type = $3, sample_taken_at = $4, recorded_at = $5, recorded_by = $6 WHERE id = $1`,
      [t.id, input.result, input.testType, input.sampleTakenAt, now, input.recordedBy],
    );
    const recorded = createEvent(
      'TestResultRecorded',
      {
        testId: t.id,
        personId: t.personId,
        quarantineId: t.quarantineId,
        result: input.result,
        testType: input.testType,
        purpose: t.purpose,
        sampleTakenAt: new Date(input.sampleTakenAt).toISOString(),
        recordedAt: now.toISOString(),
      },
      { source: '/quarantine', time: now.toISOString() },
    );
    await this.outbox.add(recorded);
    const cause = { correlationId: recorded.meta.correlationId, causationId: recorded.meta.id };
    const out: RecordedResult = {
      testId: t.id,
      personId: t.personId,
      quarantineId: t.quarantineId,
      result: input.result,
      outcome: null,
      retestId: null,
    };

    if (!t.quarantineId) {
      if (input.result === 'INCONCLUSIVE' && !t.isolationId)
        out.retestId = await this.retestOutside(t.personId, t.purpose, cause);
      if (out.retestId) out.outcome = 'RETEST_SCHEDULED';
      return out;
    }
    // The exit test is the latest test of the order not cancelled; a later one (a retest) supersedes it.
    // An unscheduled result is never the exit test: the schedule's last test still is.
    const later: unknown[] = unscheduled
      ? [true]
      : await m.query(
          `SELECT 1 AS n FROM quarantine.tests WHERE quarantine_id = $1 AND status <> 'CANCELLED' AND id <> $2 AND due_on > $3 LIMIT 1`,
          [t.quarantineId, t.id, t.dueOn],
        );
    const decisions = await this.workflow.run([
      {
        personId: t.personId,
        cause,
        command: {
          type: 'RecordResult',
          result: input.result,
          day: t.day,
          dueOn: t.dueOn,
          isExitTest: later.length === 0,
        },
      },
    ]);
    for (const d of decisions) {
      if (d.type === 'Ended') out.outcome = 'CONVERTED_TO_CASE';
      if (d.type === 'RetestScheduled') {
        out.outcome = 'RETEST_SCHEDULED';
        const [r] = await m.query(
          `SELECT id FROM quarantine.tests WHERE quarantine_id = $1 AND status = 'SCHEDULED' AND due_on = $2`,
          [t.quarantineId, d.test.dueOn],
        );
        out.retestId = r?.id ?? null;
      }
      if (d.type === 'ExitTestNegative') {
        // The F1's exit test is negative: their F2s are released (SOURCE_CLEARED).
        const watchers = await this.store.watchersOf([t.personId]);
        await this.workflow.run(
          watchers.map((w) => ({ personId: w, cause, command: { type: 'ClearWatch' as const } })),
        );
        out.outcome = 'SOURCES_CLEARED';
      }
    }
    return out;
  }

  private async retestOutside(
    personId: string,
    purpose: TestPurpose,
    cause: { correlationId: string; causationId: string },
  ): Promise<string> {
    const id = randomUUID();
    const now = this.workflow.now();
    const dueOn = addDays(this.workflow.today(), this.policy.retestAfterDays);
    await this.tx.manager.query(
      `INSERT INTO quarantine.tests (id, person_id, quarantine_id, purpose, due_on, status, scheduled_at) VALUES ($1, $2, NULL, $3, $4, 'SCHEDULED', $5)`,
      [id, personId, purpose, dueOn, now],
    );
    await this.outbox.add(
      testScheduled({ id, personId, quarantineId: null, dueOn, day: null }, now.toISOString(), cause),
    );
    return id;
  }
}
