import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Care pathway at provincial scale (bench:care, issue 16):
 * - Occupied beds per treatment facility kept in care_facilities.occupied by statement triggers on
 *   isolations (every path that orders, moves, releases or ends one counts), instead of a count(*)
 *   over the facility's isolations under a lock of every facility at each bed decision.
 * - The person index of follow-ups holds completed checks only (the fever lookup's rows), so the
 *   daily generation of 100,000+ follow-ups maintains one index less.
 */
export class CareSpeed1763900005000 implements MigrationInterface {
  name = 'CareSpeed1763900005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE quarantine.care_facilities ADD COLUMN occupied int NOT NULL DEFAULT 0');
    await q.query(
      `UPDATE quarantine.care_facilities f SET occupied = (SELECT count(*) FROM quarantine.isolations i WHERE i.status = 'ACTIVE' AND i.facility_id = f.id)`,
    );
    // Facilities are updated in id order, so two statements moving beds never wait on each other in a cycle.
    await q.query(`CREATE FUNCTION quarantine.count_facility_beds() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE r record;
      BEGIN
        FOR r IN
          SELECT facility_id, sum(n)::int AS n FROM (
            SELECT facility_id, 1 AS n FROM new_rows WHERE status = 'ACTIVE' AND facility_id IS NOT NULL
            UNION ALL
            SELECT facility_id, -1 FROM old_rows WHERE status = 'ACTIVE' AND facility_id IS NOT NULL
          ) d GROUP BY facility_id HAVING sum(n) <> 0 ORDER BY facility_id
        LOOP
          UPDATE quarantine.care_facilities SET occupied = occupied + r.n WHERE id = r.facility_id;
        END LOOP;
        RETURN NULL;
      END $$`);
    // A transition table a trigger does not declare cannot be named: INSERT and DELETE get an empty one.
    await q.query(`CREATE FUNCTION quarantine.count_facility_beds_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE quarantine.care_facilities f SET occupied = f.occupied + d.n
          FROM (SELECT facility_id, count(*)::int AS n FROM new_rows WHERE status = 'ACTIVE' AND facility_id IS NOT NULL
                 GROUP BY facility_id ORDER BY facility_id) d
         WHERE f.id = d.facility_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION quarantine.count_facility_beds_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE quarantine.care_facilities f SET occupied = f.occupied - d.n
          FROM (SELECT facility_id, count(*)::int AS n FROM old_rows WHERE status = 'ACTIVE' AND facility_id IS NOT NULL
                 GROUP BY facility_id ORDER BY facility_id) d
         WHERE f.id = d.facility_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER isolations_beds_update AFTER UPDATE ON quarantine.isolations
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quarantine.count_facility_beds()`);
    await q.query(`CREATE TRIGGER isolations_beds_insert AFTER INSERT ON quarantine.isolations
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION quarantine.count_facility_beds_insert()`);
    await q.query(`CREATE TRIGGER isolations_beds_delete AFTER DELETE ON quarantine.isolations
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION quarantine.count_facility_beds_delete()`);
    await q.query('DROP INDEX quarantine.follow_ups_person');
    await q.query(
      `CREATE INDEX follow_ups_person_done ON quarantine.follow_ups (person_id, due_on) WHERE status = 'DONE'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX quarantine.follow_ups_person_done');
    await q.query('CREATE INDEX follow_ups_person ON quarantine.follow_ups (person_id, due_on)');
    await q.query('DROP TRIGGER isolations_beds_update ON quarantine.isolations');
    await q.query('DROP TRIGGER isolations_beds_insert ON quarantine.isolations');
    await q.query('DROP TRIGGER isolations_beds_delete ON quarantine.isolations');
    await q.query(
      'DROP FUNCTION quarantine.count_facility_beds(), quarantine.count_facility_beds_insert(), quarantine.count_facility_beds_delete()',
    );
    await q.query('ALTER TABLE quarantine.care_facilities DROP COLUMN occupied');
  }
}
