import { Topics } from '@ct/contracts';
import { TransactionHost } from '@ct/platform';
import { ControllableClock } from '@ct/platform/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { careService } from '../../../../test/support/care';
import { eventually, http, TestService } from '../../../../test/support/services';
import { CarePassJob } from './care-pass/care-pass.job';
import { IsolationStore } from './infrastructure/isolation.store';
import { FacilityBedsPublisher } from './isolate-cases/facility-beds.publisher';

/**
 * FacilityBedsChanged (care.v1, key facilityId) through the real broker and database: one per
 * facility per transaction that changed its beds, with the figures after the change.
 *
 * The database and the topics are shared with the files that ran before: their facilities may be
 * full, and a CaseConfirmed backlog they left is handled as this service joins (a case with no
 * free bed in its own area takes one anywhere, this facility's too; an isolation waiting for a bed
 * gets one of this facility's when beds change). So the facility is large, of an area no other
 * file uses, the test acts only once that backlog is handled, and every figure is checked against
 * the facility's figures just before the action.
 */
describe('care pathway: FacilityBedsChanged', () => {
  let svc: TestService;
  let pg: Client;
  let pass: CarePassJob;
  const clock = new ControllableClock(new Date('2021-11-21T03:00:00Z'));
  const run = randomUUID().slice(0, 8);
  const AREA = `fb-${run}`;
  const FACILITY = `tf-beds-${run}`;
  const CAPACITY = 1000;
  const ward = (n: number) => `p-${run}-ward-${n}`;

  const care = careService({
    area: AREA,
    clock,
    topics: [Topics.CARE],
    facilities: [{ id: FACILITY, name: 'Hoi An', areaCode: AREA, capacity: CAPACITY }],
  });
  const { publish, events, profile, confirm } = care;
  beforeAll(() => {
    ({ svc, pg, pass } = care);
  });

  type Beds = { facilityId: string; areaCode: string; capacity: number; occupied: number; free: number };
  /** The facility's events so far, once there are at least n. */
  const beds = async (n: number): Promise<Beds[]> => events(Topics.CARE, 'FacilityBedsChanged', FACILITY, n);
  const last = (all: Beds[]) => all[all.length - 1];
  /** Active isolations placed in the facility, from the isolations themselves. */
  const placedIn = async (): Promise<string[]> =>
    (
      await pg.query(`SELECT person_id FROM quarantine.isolations WHERE facility_id = $1 AND status = 'ACTIVE'`, [
        FACILITY,
      ])
    ).rows.map((r) => r.person_id as string);
  /**
   * The facility's events once all it committed has reached the tap: none of its events left in the
   * outbox, and the last one tapped has the figures stored now.
   */
  const settled = () =>
    eventually('the facility to settle', async () => {
      const { rows } = await pg.query(
        `SELECT capacity, occupied, (SELECT count(*)::int FROM quarantine.outbox WHERE key = $1) AS pending
           FROM quarantine.care_facilities WHERE id = $1`,
        [FACILITY],
      );
      const all = await beds(1);
      const { capacity, occupied } = last(all);
      return rows[0].pending === 0 && capacity === rows[0].capacity && occupied === rows[0].occupied && all;
    });
  /**
   * How many events the facility has announced: the seeded one and those of the backlog, then one
   * per transaction of the tests. A second event of a transaction makes a later count wrong even when
   * it arrives after its step was checked (the last test ends with a change that comes after it).
   */
  let announced = 0;
  /** The events so far, which must be those counted. */
  const current = async (): Promise<Beds[]> => {
    const all = await settled();
    expect(all).toHaveLength(announced);
    return all;
  };
  /** The one event the step since `current()` announced. */
  const next = async (): Promise<Beds> => {
    announced += 1;
    return (await current())[announced - 1];
  };

  it('announces the seeded facility, then one event per bed taken, with the figures after it', async () => {
    const [seeded] = await beds(1);
    // Seeded with the facility's row, in one transaction: nobody can have taken a bed yet.
    expect(seeded).toEqual({
      facilityId: FACILITY,
      areaCode: AREA,
      capacity: CAPACITY,
      occupied: 0,
      free: CAPACITY,
      changedAt: expect.any(String),
    });
    announced = (await settled()).length;
    for (const n of [1, 2, 3]) {
      await profile(ward(n), { ageBand: 'OVER_50', underlyingCondition: true });
      await eventually(
        'facts stored',
        async () =>
          (await pg.query('SELECT 1 FROM quarantine.person_profiles WHERE person_id = $1', [ward(n)])).rowCount === 1,
      );
      const { occupied } = last(await current());
      await confirm(ward(n));
      const [ordered] = await events(Topics.CARE, 'IsolationOrdered', ward(n));
      expect(ordered).toMatchObject({ kind: 'TREATMENT_FACILITY', facilityId: FACILITY });
      expect(await next()).toMatchObject({
        capacity: CAPACITY,
        occupied: occupied + 1,
        free: CAPACITY - occupied - 1,
      });
    }
  });

  it('announces a capacity change once, with the beds then given to anyone waiting in the same transaction', async () => {
    const { occupied } = last(await current());
    const placedBefore = await placedIn();
    expect(placedBefore).toHaveLength(occupied);
    const put = await http(svc.url, 'PUT', `/care/facilities/${FACILITY}`, {
      role: 'admin',
      body: { name: 'Hoi An', areaCode: AREA, capacity: CAPACITY + 2 },
    });
    expect(put.status).toBe(200);
    // Isolations waiting for a bed (other files') may have been given some of these.
    const placed = await placedIn();
    expect(placed).toEqual(expect.arrayContaining(placedBefore));
    expect(await next()).toMatchObject({
      capacity: CAPACITY + 2,
      occupied: placed.length,
      free: CAPACITY + 2 - placed.length,
    });
  });

  it('announces a bed freed by CaseClosed, and a care pass releasing two people of the facility once', async () => {
    const capacity = CAPACITY + 2;
    const { rows } = await pg.query('SELECT case_id FROM quarantine.isolations WHERE person_id = $1', [ward(1)]);
    const beforeClose = last(await current());
    await publish('CaseClosed', {
      caseId: rows[0].case_id,
      personId: ward(1),
      closedAt: clock.now().toISOString(),
      outcome: 'RECOVERED',
    });
    await events(Topics.CARE, 'IsolationEnded', ward(1));
    // Nobody waits for a bed any more (the capacity change gave them one): the bed stays free.
    expect(await next()).toMatchObject({ capacity, occupied: beforeClose.occupied - 1 });

    clock.set('2021-12-01T02:00:00Z');
    for (const n of [2, 3]) {
      const [test] = (
        await pg.query(`SELECT id FROM quarantine.tests WHERE person_id = $1 AND status = 'SCHEDULED'`, [ward(n)])
      ).rows;
      const result = await http(svc.url, 'POST', `/tests/${test.id}/result`, {
        role: 'quarantine',
        body: { result: 'NEGATIVE', testType: 'PCR', sampleTakenAt: '2021-12-01T01:00:00Z' },
      });
      expect(result.status).toBe(200);
    }
    const beforePass = last(await current());
    const placedBefore = await placedIn();
    expect((await pass.run()).released).toBeGreaterThanOrEqual(2);
    for (const n of [2, 3])
      expect((await events(Topics.CARE, 'IsolationEnded', ward(n)))[0]).toMatchObject({
        reason: 'RELEASED',
        facilityId: FACILITY,
      });
    // The pass may also release people other files placed here: all of them in the one event.
    const placed = await placedIn();
    const left = placedBefore.filter((p) => !placed.includes(p));
    expect(left).toEqual(expect.arrayContaining([ward(2), ward(3)]));
    expect(placed).toHaveLength(placedBefore.length - left.length);
    const occupied = beforePass.occupied - left.length;
    expect(await next()).toMatchObject({ capacity, occupied, free: capacity - occupied });
  });

  it('keeps one event, the last figures, when two operations of one transaction change a facility', async () => {
    const tx = svc.app.get(TransactionHost);
    const store = svc.app.get(IsolationStore);
    const publisher = svc.app.get(FacilityBedsPublisher);
    const f = { name: 'Hoi An', areaCode: AREA };
    await current();
    // As a batch of events handled in one transaction would: each operation publishes at its end.
    await tx.run(async () => {
      await store.upsertFacility({ id: FACILITY, ...f, capacity: CAPACITY + 3 }, 'test', clock.now());
      await publisher.changed([FACILITY], {});
      await store.upsertFacility({ id: FACILITY, ...f, capacity: CAPACITY + 4 }, 'test', clock.now());
      await publisher.changed([FACILITY, null], {});
    });
    expect((await next()).capacity).toBe(CAPACITY + 4);
    // A last change: a second event of any earlier transaction (same key, same partition, published
    // in order) has arrived before this one, and made the count wrong.
    const put = await http(svc.url, 'PUT', `/care/facilities/${FACILITY}`, {
      role: 'admin',
      body: { ...f, capacity: CAPACITY + 5 },
    });
    expect(put.status).toBe(200);
    expect((await next()).capacity).toBe(CAPACITY + 5);
    expect((await current()).map((e) => e.areaCode)).toEqual(Array(announced).fill(AREA));
  });
});
