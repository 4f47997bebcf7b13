import { copyValue, TransactionHost } from '@ct/platform';
import { contactIdFor } from '../domain/contact-id';
import { Finding } from '../domain/tracing-policy';

/** A written contact: its id, person and identification time (for its event). */
export interface Written {
  contact_id: string;
  person_id: string;
  identified_at?: Date;
}

/**
 * Contacts none of which the case has yet (a fresh case's F1, a stage's F2 chunk), by COPY: half
 * the cost of an upsert for thousands of rows. If the case does have one of them (a resumed
 * stage), nothing of the COPY is kept (savepoint) and null tells the caller to upsert instead.
 */
export async function copyContacts(
  tx: TransactionHost,
  caseId: string,
  findings: Finding[],
  identifiedAt: number,
  iso: (ms: number) => string,
): Promise<Written[] | null> {
  const m = tx.manager;
  const v = copyValue;
  const identified = iso(identifiedAt);
  const ids = findings.map((f) => contactIdFor(caseId, f.personId));
  await m.query('SAVEPOINT contacts_copy');
  try {
    await tx.copyIn(
      `COPY tracing.contacts (contact_id, source_case_id, source_person_id, person_id, degree, kind, venue_id,
         started_at, ended_at, first_exposure_at, last_exposure_at, identified_at) FROM STDIN`,
      findings.map(
        (f, i) =>
          `${ids[i]}\t${v(caseId)}\t${v(f.sourcePersonId)}\t${v(f.personId)}\t${f.degree}\t${v(f.exposure.kind)}\t${v(f.exposure.venueId)}\t` +
          `${iso(f.exposure.start)}\t${iso(f.exposure.end)}\t${iso(f.firstExposureAt)}\t${iso(f.lastExposureAt)}\t${identified}\n`,
      ),
    );
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err; // unique_violation: some are stored already
    await m.query('ROLLBACK TO SAVEPOINT contacts_copy');
    return null;
  }
  await m.query('RELEASE SAVEPOINT contacts_copy');
  return findings.map((f, i) => ({ contact_id: ids[i], person_id: f.personId }));
}

/**
 * Inserts the contacts new to the case and upgrades an F2 named F1 since. With `late` (a retrace,
 * which computed the whole truth from everything stored), a contact that differs in anything is
 * set to the finding, keeping its identification time unless it became F1 now; every row written
 * is marked found late. Returns those written.
 */
export function upsertContacts(
  tx: TransactionHost,
  caseId: string,
  findings: Finding[],
  identifiedAt: number,
  late: boolean,
): Promise<Written[]> {
  const d = (n: number) => new Date(n);
  const changed = late
    ? `(t.source_person_id, t.degree, t.kind, t.venue_id, t.started_at, t.ended_at, t.first_exposure_at, t.last_exposure_at)
         IS DISTINCT FROM (EXCLUDED.source_person_id, EXCLUDED.degree, EXCLUDED.kind, EXCLUDED.venue_id, EXCLUDED.started_at, EXCLUDED.ended_at,
           EXCLUDED.first_exposure_at, EXCLUDED.last_exposure_at)`
    : 't.degree > EXCLUDED.degree';
  return tx.manager.query(
    `INSERT INTO tracing.contacts AS t (contact_id, source_case_id, source_person_id, person_id, degree, kind, venue_id,
       started_at, ended_at, first_exposure_at, last_exposure_at, identified_at, found_late)
     SELECT c, $2, sp, p, dg, k, v, s, e, fe, le, $3, $13
     FROM unnest($1::uuid[], $4::text[], $5::text[], $6::smallint[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[])
       AS x(c, sp, p, dg, k, v, s, e, fe, le)
     ON CONFLICT (source_case_id, person_id) DO UPDATE SET
       source_person_id = EXCLUDED.source_person_id, degree = EXCLUDED.degree, kind = EXCLUDED.kind, venue_id = EXCLUDED.venue_id,
       started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, first_exposure_at = EXCLUDED.first_exposure_at,
       last_exposure_at = EXCLUDED.last_exposure_at,
       identified_at = CASE WHEN t.degree > EXCLUDED.degree THEN EXCLUDED.identified_at ELSE t.identified_at END,
       found_late = t.found_late OR EXCLUDED.found_late
     WHERE ${changed}
     RETURNING contact_id, person_id, identified_at`,
    [
      findings.map((f) => contactIdFor(caseId, f.personId)),
      caseId,
      d(identifiedAt),
      findings.map((f) => f.sourcePersonId),
      findings.map((f) => f.personId),
      findings.map((f) => f.degree),
      findings.map((f) => f.exposure.kind),
      findings.map((f) => f.exposure.venueId),
      findings.map((f) => d(f.exposure.start)),
      findings.map((f) => d(f.exposure.end)),
      findings.map((f) => d(f.firstExposureAt)),
      findings.map((f) => d(f.lastExposureAt)),
      late,
    ],
  );
}
