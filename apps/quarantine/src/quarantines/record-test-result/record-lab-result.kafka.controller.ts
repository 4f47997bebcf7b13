import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { Controller } from '@nestjs/common';
import { RecordTestResultHandler } from './record-test-result.handler';

/**
 * A lab result matched to a person by cases (bulk upload, POST /lab-results): recorded exactly like
 * a result posted to POST /test-results (TestResultRecorded; a positive converts a quarantine and,
 * in cases, confirms a case; a negative exit test may release). The test's id is the event's
 * resultId, so the same result delivered again (inbox aside) records nothing.
 */
@Controller()
export class RecordLabResultKafkaController {
  constructor(private readonly handler: RecordTestResultHandler) {}

  @HandleEvent('LabResultMatched')
  async onLabResultMatched(e: EventEnvelope<'LabResultMatched'>): Promise<void> {
    const p = e.payload;
    await this.handler.other(
      p.personId,
      p.purpose,
      { result: p.result, testType: p.testType, sampleTakenAt: p.sampleTakenAt, recordedBy: 'cases:lab-results' },
      p.resultId,
    );
  }
}
