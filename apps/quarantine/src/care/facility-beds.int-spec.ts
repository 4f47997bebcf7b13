import { Topics } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { ServiceClock, TransactionHost } from '@ct/platform';
import { ControllableClock } from '@ct/platform/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { careEvents } from '../../../../test/support/care';
import { db, eventually, http, startService, tap, TestService } from '../../../../test/support/services';
import { QuarantineService } from '../service';
import { CarePassJob } from './care-pass/care-pass.job';
import { IsolationStore } from './infrastructure/isolation.store';
import { FacilityBedsPublisher } from './isolate-cases/facility-beds.publisher';

/**
 * FacilityBedsChanged (care.v1, key facilityId) through the real broker and database: one per
 * facility per transaction that changed its beds, with the figures after the change.
 */
describe('care pathway: FacilityBedsChanged', () => {
  let svc: TestService;
  let pg: Client;
  let topics: TopicTap;
  let publisher: EventPublisher;
  let pass: CarePassJob;
  const clock = new ControllableClock(new Date('2021-11-21T03:00:00Z'));
  const run = randomUUID().slice(0, 8);
  const AREA = `fb-${run}`;
  const FACILITY = `tf-beds-${run}`;
  const ward = (n: number) => `p-${run}-ward-${n}`;

  beforeAll(async () => {
    topics = await tap([Topics.CARE]);
    svc = await startService(QuarantineService, {
      QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
      CARE_PASS_INTERVAL_SECONDS: '0',
      CARE_FACILITIES: JSON.stringify([{ id: FACILITY, name: 'Hoi An', areaCode: AREA, capacity: 3 }]),
    });
    svc.app.get(ServiceClock).use(clock);
    publisher = svc.app.get(EventPublisher);
    pass = svc.app.get(CarePassJob);
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([svc?.close(), topics?.close(), pg?.end()]);
  });

  const { publish, events, profile, confirm } = careEvents({
    publisher: () => publisher,
    tap: () => topics,
    area: AREA,
    clock,
  });
  /** The facility's events so far, once there are at least n. */
  const beds = (n: number) => events(Topics.CARE, 'FacilityBedsChanged', FACILITY, n);
  /** Active isolations placed in the facility, counted from the isolations themselves. */
  const placed = async () =>
    (
      await pg.query(
        `SELECT count(*)::int AS n FROM quarantine.isolations WHERE facility_id = $1 AND status = 'ACTIVE'`,
        [FACILITY],
      )
    ).rows[0].n as number;

  it('announces the seeded facility, then one event per bed taken, with the figures after it', async () => {
    const [seeded] = await beds(1);
    expect(seeded).toEqual({
      facilityId: FACILITY,
      areaCode: AREA,
      capacity: 3,
      occupied: 0,
      free: 3,
      changedAt: expect.any(String),
    });
    for (const n of [1, 2, 3]) {
      await profile(ward(n), { ageBand: 'OVER_50', underlyingCondition: true });
      await eventually(
        'facts stored',
        async () =>
          (await pg.query('SELECT 1 FROM quarantine.person_profiles WHERE person_id = $1', [ward(n)])).rowCount === 1,
      );
      await confirm(ward(n));
      const [ordered] = await events(Topics.CARE, 'IsolationOrdered', ward(n));
      expect(ordered).toMatchObject({ kind: 'TREATMENT_FACILITY', facilityId: FACILITY });
      const all = await beds(1 + n);
      expect(all[n]).toMatchObject({ capacity: 3, occupied: n, free: 3 - n });
    }
  });

  it('announces a capacity change once, with the beds then given to anyone waiting in the same transaction', async () => {
    const put = await http(svc.url, 'PUT', `/care/facilities/${FACILITY}`, {
      role: 'admin',
      body: { name: 'Hoi An', areaCode: AREA, capacity: 5 },
    });
    expect(put.status).toBe(200);
    const all = await beds(5);
    const occupied = await placed();
    expect(occupied).toBeGreaterThanOrEqual(3);
    expect(all[4]).toMatchObject({ capacity: 5, occupied, free: 5 - occupied });
  });

  it('announces a bed freed by CaseClosed, and a care pass releasing two people of the facility once', async () => {
    const { rows } = await pg.query('SELECT case_id FROM quarantine.isolations WHERE person_id = $1', [ward(1)]);
    await publish('CaseClosed', {
      caseId: rows[0].case_id,
      personId: ward(1),
      closedAt: clock.now().toISOString(),
      outcome: 'RECOVERED',
    });
    await events(Topics.CARE, 'IsolationEnded', ward(1));
    const afterClose = await beds(6);
    const occupiedAfterClose = await placed();
    expect(afterClose[5]).toMatchObject({ capacity: 5, occupied: occupiedAfterClose });

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
    expect((await pass.run()).released).toBeGreaterThanOrEqual(2);
    for (const n of [2, 3])
      expect((await events(Topics.CARE, 'IsolationEnded', ward(n)))[0]).toMatchObject({
        reason: 'RELEASED',
        facilityId: FACILITY,
      });
    const afterPass = await beds(7);
    const occupiedAfterPass = await placed();
    expect(occupiedAfterPass).toBe(occupiedAfterClose - 2);
    expect(afterPass[6]).toMatchObject({ capacity: 5, occupied: occupiedAfterPass, free: 5 - occupiedAfterPass });

    // A last change, so that any second event of an earlier transaction (same key, same partition,
    // published in order) would have arrived before this one: exactly one per transaction.
    await http(svc.url, 'PUT', `/care/facilities/${FACILITY}`, {
      role: 'admin',
      body: { name: 'Hoi An', areaCode: AREA, capacity: 4 },
    });
    const all = await beds(8);
    expect(all).toHaveLength(8);
    expect(all[7]).toMatchObject({ capacity: 4, occupied: occupiedAfterPass });
    expect(all.map((e) => e.areaCode)).toEqual(Array(8).fill(AREA));
  });

  it('keeps one event, the last figures, when two operations of one transaction change a facility', async () => {
    const tx = svc.app.get(TransactionHost);
    const store = svc.app.get(IsolationStore);
    const publisher = svc.app.get(FacilityBedsPublisher);
    // As a batch of events handled in one transaction would: each operation publishes at its end.
    await tx.run(async () => {
      await store.upsertFacility({ id: FACILITY, name: 'Hoi An', areaCode: AREA, capacity: 6 }, 'test', clock.now());
      await publisher.changed([FACILITY], {});
      await store.upsertFacility({ id: FACILITY, name: 'Hoi An', areaCode: AREA, capacity: 7 }, 'test', clock.now());
      await publisher.changed([FACILITY, null], {});
    });
    await http(svc.url, 'PUT', `/care/facilities/${FACILITY}`, {
      role: 'admin',
      body: { name: 'Hoi An', areaCode: AREA, capacity: 8 },
    });
    const all = await beds(10);
    expect(all).toHaveLength(10);
    expect(all.slice(8).map((e) => e.capacity)).toEqual([7, 8]);
  });
});
