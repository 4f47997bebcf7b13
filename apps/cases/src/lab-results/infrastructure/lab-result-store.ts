import { inAreaScope, TransactionHost } from '@ct/platform';
import { Injectable } from '@nestjs/common';
import { LabResult } from '../domain/lab-result';

/** A stored lab result: what the upload said, whether it matched, and for whom. */
export interface LabResultRow {
  id: string;
  labResultId: string;
  format: 'CSV' | 'FHIR';
  status: 'MATCHED' | 'QUEUED';
  queueReason: 'NO_MATCH' | 'AMBIGUOUS' | null;
  areaCode: string;
  personId: string | null;
  value: LabResult;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : (v as Date).toISOString());

/** cases.lab_results: the only SQL of bulk lab results. */
@Injectable()
export class LabResultStore {
  constructor(private readonly tx: TransactionHost) {}

  /** Which of these lab result ids were received before (by any upload). */
  async known(labResultIds: string[]): Promise<Set<string>> {
    const rows: { lab_result_id: string }[] = await this.tx.manager.query(
      'SELECT lab_result_id FROM cases.lab_results WHERE lab_result_id = ANY($1::text[])',
      [labResultIds],
    );
    return new Set(rows.map((r) => r.lab_result_id));
  }

  /**
   * Of these personIds, those the caller may record a result for: registered in their areas, or
   * (not registered here) with a case in their areas, or known only from the status read model
   * (an app account under quarantine: no area known here, as POST /test-results allows).
   */
  async knownPersonIds(personIds: string[], areas: string[] | null): Promise<Set<string>> {
    const rows: { pid: string }[] = await this.tx.manager.query(
      `SELECT pid FROM unnest($1::text[]) AS pid WHERE
         EXISTS (SELECT 1 FROM cases.persons p WHERE p.person_id = pid AND ${inAreaScope('p.area_code', 2)})
         OR (NOT EXISTS (SELECT 1 FROM cases.persons p WHERE p.person_id = pid) AND (
           EXISTS (SELECT 1 FROM cases.cases c WHERE c.person_id = pid AND ${inAreaScope('c.area_code', 2)})
           OR (NOT EXISTS (SELECT 1 FROM cases.cases c WHERE c.person_id = pid) AND (
             EXISTS (SELECT 1 FROM cases.status_contacts s WHERE s.person_id = pid)
             OR EXISTS (SELECT 1 FROM cases.status_quarantines s WHERE s.person_id = pid)
             OR EXISTS (SELECT 1 FROM cases.status_tests s WHERE s.person_id = pid)))))`,
      [personIds, areas],
    );
    return new Set(rows.map((r) => r.pid));
  }

  /** Registered persons of the caller's areas by normalized national ID or phone: key → personId. */
  async personsBy(
    column: 'national_id' | 'phone',
    keys: string[],
    areas: string[] | null,
  ): Promise<Map<string, string>> {
    const rows: { key: string; person_id: string }[] = await this.tx.manager.query(
      `SELECT ${column} AS key, person_id FROM cases.persons WHERE ${column} = ANY($1::text[]) AND ${inAreaScope('area_code', 2)}`,
      [keys, areas],
    );
    return new Map(rows.map((r) => [r.key, r.person_id]));
  }

  /** Inserts the rows whose lab result id is new (one statement); returns the ids inserted. */
  async insert(rows: LabResultRow[], at: Date, by: string): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const col = <T>(f: (r: LabResultRow) => T) => rows.map(f);
    const inserted: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO cases.lab_results (id, lab_result_id, format, status, queue_reason, area_code, person_id, given_person_id,
         national_id, phone, full_name, date_of_birth, result, test_type, purpose, sample_taken_at, received_at, received_by)
       SELECT *, $17::timestamptz, $18::text FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
         $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::date[], $13::text[], $14::text[], $15::text[], $16::timestamptz[])
       ON CONFLICT (lab_result_id) DO NOTHING RETURNING id`,
      [
        col((r) => r.id),
        col((r) => r.labResultId),
        col((r) => r.format),
        col((r) => r.status),
        col((r) => r.queueReason),
        col((r) => r.areaCode),
        col((r) => r.personId),
        col((r) => r.value.personId),
        col((r) => r.value.nationalId),
        col((r) => r.value.phone),
        col((r) => r.value.fullName),
        col((r) => r.value.dateOfBirth),
        col((r) => r.value.result),
        col((r) => r.value.testType),
        col((r) => r.value.purpose),
        col((r) => r.value.sampleTakenAt),
        at,
        by,
      ],
    );
    return new Set(inserted.map((r) => r.id));
  }

  /** The review queue of the caller's areas, oldest first. */
  async queue(areas: string[] | null, limit: number, offset: number) {
    const rows: Record<string, unknown>[] = await this.tx.manager.query(
      `SELECT id, lab_result_id, format, queue_reason, area_code, given_person_id, national_id, phone, full_name,
         to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, result, test_type, purpose, sample_taken_at, received_at, received_by
       FROM cases.lab_results WHERE status = 'QUEUED' AND ${inAreaScope('area_code', 1)}
       ORDER BY received_at, lab_result_id LIMIT $2 OFFSET $3`,
      [areas, limit, offset],
    );
    const [{ n }] = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM cases.lab_results WHERE status = 'QUEUED' AND ${inAreaScope('area_code', 1)}`,
      [areas],
    );
    return { total: n as number, items: rows.map(queuedView) };
  }

  /** One queued or matched result of the caller's areas, locked; null when unknown or out of scope. */
  async lock(id: string, areas: string[] | null): Promise<Record<string, unknown> | null> {
    const [row] = await this.tx.manager.query(
      `SELECT id, status, person_id, result, test_type, purpose, sample_taken_at FROM cases.lab_results
        WHERE id = $1 AND ${inAreaScope('area_code', 2)} FOR UPDATE`,
      [id, areas],
    );
    return row ?? null;
  }

  async resolve(id: string, personId: string, at: Date, by: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE cases.lab_results SET status = 'MATCHED', queue_reason = NULL, person_id = $2, resolved_at = $3, resolved_by = $4 WHERE id = $1`,
      [id, personId, at, by],
    );
  }
}

function queuedView(r: Record<string, unknown>) {
  return {
    id: r.id as string,
    labResultId: r.lab_result_id as string,
    format: r.format as string,
    reason: r.queue_reason as string,
    areaCode: r.area_code as string,
    given: {
      personId: r.given_person_id as string | null,
      nationalId: r.national_id as string | null,
      phone: r.phone as string | null,
      fullName: r.full_name as string | null,
      dateOfBirth: r.date_of_birth as string | null,
    },
    result: r.result as string,
    testType: r.test_type as string,
    purpose: r.purpose as string,
    sampleTakenAt: iso(r.sample_taken_at),
    receivedAt: iso(r.received_at),
    receivedBy: r.received_by as string,
  };
}
