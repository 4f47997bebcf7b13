import { createEvent } from '@ct/contracts';
import { Outbox } from '@ct/messaging';
import { returned, TransactionHost } from '@ct/platform';
import { Inject, Injectable } from '@nestjs/common';
import { TRACING_POLICY } from '../contacts.tokens';
import { Cause } from '../domain/contact-id';
import { EnginePolicy } from '../engine-policy';

/**
 * The visitors of a case's exposure sites who are no contact of it: each stay overlapping a site
 * (any overlap, as the public list of sites shows them) or beginning within the linger after the case
 * left ($5: TRACING_EXPOSURE_LINGER_MINUTES), minus the F0 and every person stored as an F1 or F2 of
 * the case, one row per (case, venue, person) in tracing.exposure_alerts with its
 * earliest overlap there. Statement and events in the caller's transaction, after the case's
 * contacts are stored: a person found again (a retrace) is not announced twice.
 */
export const ALERT_SQL = `
WITH o AS (
  SELECT v.person_id, s.venue_id, greatest(v.checked_in_at, s.started_at) AS s, least(v.ends_at, s.ended_at + $5::interval) AS e
  FROM tracing.exposure_sites s
  JOIN tracing.visits v ON v.venue_id = s.venue_id
   AND v.checked_in_at < s.ended_at + $5::interval AND v.ends_at > s.started_at AND v.checked_in_at >= s.started_at - $3::interval
  WHERE s.case_id = $1 AND v.person_id <> $2
    AND NOT EXISTS (SELECT 1 FROM tracing.contacts c WHERE c.source_case_id = $1 AND c.person_id = v.person_id)
),
first AS (SELECT DISTINCT ON (person_id, venue_id) person_id, venue_id, s, e FROM o ORDER BY person_id, venue_id, s, e)
INSERT INTO tracing.exposure_alerts AS a (case_id, venue_id, person_id, alert_id, started_at, ended_at, identified_at)
SELECT $1, venue_id, person_id, gen_random_uuid(), s, e, $4 FROM first
ON CONFLICT (case_id, venue_id, person_id) DO NOTHING
RETURNING a.venue_id, a.person_id, a.alert_id, a.started_at, a.ended_at`;

@Injectable()
export class ExposureAlertStore {
  constructor(
    private readonly tx: TransactionHost,
    private readonly outbox: Outbox,
    @Inject(TRACING_POLICY) private readonly policy: EnginePolicy,
  ) {}

  /** Records the case's new site visitors and queues one ExposureSiteVisitorIdentified each; returns how many. */
  async raise(caseId: string, f0PersonId: string, identifiedAt: number, cause: Cause): Promise<number> {
    const at = new Date(identifiedAt);
    const rows = returned<{ venue_id: string; person_id: string; alert_id: string; started_at: Date; ended_at: Date }>(
      await this.tx.manager.query(ALERT_SQL, [
        caseId,
        f0PersonId,
        `${this.policy.maxStayMs} milliseconds`,
        at,
        `${this.policy.exposureLingerMs} milliseconds`,
      ]),
    );
    if (rows.length === 0) return 0;
    const events = rows.map((r) =>
      createEvent(
        'ExposureSiteVisitorIdentified',
        {
          alertId: r.alert_id,
          personId: r.person_id,
          sourcePersonId: f0PersonId,
          sourceCaseId: caseId,
          venueId: r.venue_id,
          startedAt: new Date(r.started_at).toISOString(),
          endedAt: new Date(r.ended_at).toISOString(),
          identifiedAt: at.toISOString(),
        },
        { source: '/tracing', correlationId: cause.correlationId, causationId: cause.eventId },
      ),
    );
    for (let i = 0; i < events.length; i += 5000) await this.outbox.add(...events.slice(i, i + 5000));
    return events.length;
  }
}
