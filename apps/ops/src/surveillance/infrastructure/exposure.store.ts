import { EventEnvelope } from '@ct/contracts';
import { TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';

/**
 * The exposures of contacts.v1, for clusters and exposure sites in the weekly report. Idempotent by
 * contactId (a redelivery rewrites the same row; an older version never overwrites a newer one) and
 * independent of order: a withdrawal that arrives before its contact leaves a row the contact then
 * fills in. A contact counts while it is not withdrawn, or was identified again after the withdrawal.
 */
@Injectable()
export class ExposureStore {
  constructor(private readonly tx: TransactionHost) {}

  async identified(events: EventEnvelope<'ContactIdentified'>[]): Promise<void> {
    if (events.length === 0) return;
    const p = events.map((e) => e.payload);
    await this.tx.manager.query(
      `INSERT INTO ops.exposures (contact_id, person_id, source_case_id, venue_id, exposure_started_at, identified_at)
       SELECT DISTINCT ON (c) c, p, s, v, t, i
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[]) AS x(c, p, s, v, t, i)
       ORDER BY c, i DESC
       ON CONFLICT (contact_id) DO UPDATE SET person_id = EXCLUDED.person_id, source_case_id = EXCLUDED.source_case_id,
         venue_id = EXCLUDED.venue_id, exposure_started_at = EXCLUDED.exposure_started_at, identified_at = EXCLUDED.identified_at
       WHERE ops.exposures.identified_at IS NULL OR ops.exposures.identified_at <= EXCLUDED.identified_at`,
      [
        p.map((x) => x.contactId),
        p.map((x) => x.personId),
        p.map((x) => x.sourceCaseId),
        p.map((x) => (x.exposure.kind === 'CO_LOCATION' ? x.exposure.venueId : null)),
        p.map((x) => x.exposure.startedAt),
        p.map((x) => x.identifiedAt),
      ],
    );
  }

  async withdrawn(e: EventEnvelope<'ContactWithdrawn'>): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO ops.exposures (contact_id, person_id, source_case_id, withdrawn_at) VALUES ($1,$2,$3,$4)
       ON CONFLICT (contact_id) DO UPDATE SET withdrawn_at = GREATEST(ops.exposures.withdrawn_at, EXCLUDED.withdrawn_at)`,
      [e.payload.contactId, e.payload.personId, e.payload.sourceCaseId, e.payload.withdrawnAt],
    );
  }
}
