import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk lab results (issue 19): one row per lab result id, whatever the upload (a re-sent file finds
 * its rows and changes nothing). A result matched to a person is MATCHED (LabResultMatched published);
 * one that matched nobody or several persons is QUEUED for review until a tracer resolves it. The
 * lab's identity keys (phone, national ID, name, birth date) stay here, in the cases schema, to let
 * the reviewer decide; they never leave the service.
 */
export class LabResults1763900004300 implements MigrationInterface {
  name = 'LabResults1763900004300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.lab_results (
      id uuid PRIMARY KEY,
      lab_result_id text NOT NULL UNIQUE,
      format text NOT NULL CHECK (format IN ('CSV', 'FHIR')),
      status text NOT NULL CHECK (status IN ('MATCHED', 'QUEUED')),
      queue_reason text CHECK (queue_reason IN ('NO_MATCH', 'AMBIGUOUS')),
      area_code text NOT NULL,
      person_id text,
      given_person_id text,
      national_id text,
      phone text,
      full_name text,
      date_of_birth date,
      result text NOT NULL,
      test_type text NOT NULL,
      purpose text NOT NULL,
      sample_taken_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      received_by text NOT NULL,
      resolved_at timestamptz,
      resolved_by text,
      CHECK ((status = 'MATCHED') = (person_id IS NOT NULL))
    )`);
    await q.query(
      `CREATE INDEX lab_results_queue ON cases.lab_results (area_code, received_at, id) WHERE status = 'QUEUED'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cases.lab_results');
  }
}
