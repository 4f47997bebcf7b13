import { EventEnvelope } from '@ct/contracts';
import { HandleEvent } from '@ct/messaging';
import { TransactionHost } from '@ct/platform';
import { Controller } from '@nestjs/common';
import { causeOf, QuarantineWorkflow } from '../quarantine.workflow';

const CONSUMER = 'quarantine';

/**
 * OrderQuarantineWhenContactIdentified. Batched: a super-spreader's thousands of contacts arrive
 * together, and are decided in memory and written with a few set-based statements. Batch handlers
 * get no automatic inbox, so the batch records its event ids itself (same transaction) and
 * handles only the ones not seen before.
 */
@Controller()
export class OrderQuarantineKafkaController {
  constructor(
    private readonly tx: TransactionHost,
    private readonly workflow: QuarantineWorkflow,
  ) {}

  @HandleEvent('ContactIdentified', { batch: true })
  async onContacts(events: EventEnvelope<'ContactIdentified'>[]): Promise<void> {
    const fresh: { event_id: string }[] = await this.tx.manager.query(
      `INSERT INTO quarantine.inbox (consumer, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [CONSUMER, events.map((e) => e.meta.id)],
    );
    const ids = new Set(fresh.map((r) => r.event_id));
    const seen = new Set<string>();
    await this.workflow.run(
      events
        .filter((e) => ids.has(e.meta.id) && !seen.has(e.meta.id) && seen.add(e.meta.id))
        .map((e) => ({
          personId: e.payload.personId,
          cause: causeOf(e.meta),
          command: {
            type: 'IdentifyContact' as const,
            degree: e.payload.degree,
            sourcePersonId: e.payload.sourcePersonId,
            sourceCaseId: e.payload.sourceCaseId,
            lastExposureAt: new Date(e.payload.lastExposureAt),
          },
        })),
    );
  }
}
