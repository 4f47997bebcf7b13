import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Venue screening groups (issue 18): each round of a VENUES plan asks tracing for the group as of
 * that round (ScreeningGroupRequested) and is made once the whole answer is in. A request per plan
 * and round; the answer's batches kept once each; the round's group (person ids) collected here.
 */
export class ScreeningVenueGroups1763900005101 implements MigrationInterface {
  name = 'ScreeningVenueGroups1763900005101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE quarantine.screening_requests (
      plan_id uuid NOT NULL REFERENCES quarantine.screening_plans(id),
      round int NOT NULL,
      request_id uuid NOT NULL UNIQUE,
      due_on date NOT NULL,
      since timestamptz NOT NULL,
      until timestamptz NOT NULL,
      requested_at timestamptz NOT NULL,
      batches int,
      truncated boolean NOT NULL DEFAULT false,
      resolved_at timestamptz,
      PRIMARY KEY (plan_id, round)
    )`);
    await q.query(`CREATE TABLE quarantine.screening_answer_batches (
      request_id uuid NOT NULL REFERENCES quarantine.screening_requests(request_id),
      batch int NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (request_id, batch)
    )`);
    await q.query(`CREATE TABLE quarantine.screening_round_members (
      plan_id uuid NOT NULL,
      round int NOT NULL,
      person_id text NOT NULL,
      PRIMARY KEY (plan_id, round, person_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE quarantine.screening_round_members, quarantine.screening_answer_batches, quarantine.screening_requests',
    );
  }
}
