import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Screening plans (issue 18): the plan, its group (fixed when the plan is made, each member with
 * a position for the rolling sample), its rounds (a durable timer: a round is made once) and the
 * tests each round put on the worklist (quarantine.tests, purpose SCREENING).
 */
export class Screening1763900004240 implements MigrationInterface {
  name = 'Screening1763900004240';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE quarantine.screening_plans (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      area_code text NOT NULL,
      group_kind text NOT NULL,
      group_spec jsonb NOT NULL,
      test_type text NOT NULL,
      cadence jsonb NOT NULL,
      starts_on date NOT NULL,
      ends_on date NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    await q.query('CREATE INDEX screening_plans_open ON quarantine.screening_plans (ends_on)');
    await q.query(`CREATE TABLE quarantine.screening_members (
      plan_id uuid NOT NULL REFERENCES quarantine.screening_plans(id),
      position int NOT NULL,
      person_id text NOT NULL,
      PRIMARY KEY (plan_id, position),
      UNIQUE (plan_id, person_id)
    )`);
    await q.query(`CREATE TABLE quarantine.screening_rounds (
      plan_id uuid NOT NULL REFERENCES quarantine.screening_plans(id),
      round int NOT NULL,
      due_on date NOT NULL,
      made_at timestamptz NOT NULL,
      PRIMARY KEY (plan_id, round)
    )`);
    await q.query(`CREATE TABLE quarantine.screening_tests (
      test_id uuid PRIMARY KEY REFERENCES quarantine.tests(id),
      plan_id uuid NOT NULL,
      round int NOT NULL
    )`);
    await q.query('CREATE INDEX screening_tests_plan ON quarantine.screening_tests (plan_id, round)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE quarantine.screening_tests, quarantine.screening_rounds, quarantine.screening_members, quarantine.screening_plans',
    );
  }
}
