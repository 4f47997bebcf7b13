import { EventEnvelope } from '@ct/contracts';
import { BatchInbox, HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { causeOf } from '../quarantine.workflow';
import { RecordLabResultsHandler } from './record-lab-results.handler';

/**
 * A lab result matched to a person by cases (bulk upload, POST /lab-results): recorded exactly like
 * a result posted to POST /test-results (TestResultRecorded; a positive converts a quarantine and,
 * in cases, confirms a case; a negative exit test may release). The test's id is the event's
 * resultId, so the same result delivered again (inbox aside) records nothing.
 *
 * Batched: an upload of 10,000 results arrives as thousands of events, recorded with a few
 * set-based statements per batch (RecordLabResultsHandler.labResults) instead of a transaction each.
 */
@Controller()
export class RecordLabResultKafkaController {
  constructor(
    private readonly handler: RecordLabResultsHandler,
    private readonly inbox: BatchInbox,
  ) {}

  @HandleEvent('LabResultMatched', { batch: true })
  async onLabResultsMatched(events: EventEnvelope<'LabResultMatched'>[]): Promise<void> {
    const fresh = await this.inbox.fresh(events);
    await this.handler.labResults(
      fresh.map((e) => ({
        testId: e.payload.resultId,
        personId: e.payload.personId,
        purpose: e.payload.purpose,
        input: {
          result: e.payload.result,
          testType: e.payload.testType,
          sampleTakenAt: e.payload.sampleTakenAt,
          recordedBy: 'cases:lab-results',
        },
        cause: causeOf(e.meta),
      })),
    );
  }
}
