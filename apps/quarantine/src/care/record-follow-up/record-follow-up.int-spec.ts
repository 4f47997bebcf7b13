import { Topics } from '@ct/contracts';
import { ControllableClock } from '@ct/platform/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { careService } from '../../../../../test/support/care';
import { db, eventually, http, TestService } from '../../../../../test/support/services';
import { CarePassJob } from '../care-pass/care-pass.job';

/**
 * Recording a follow-up that cannot escalate is one statement (the change and its event together,
 * guarded by the status it was read with); these are the cases where that shortcut could differ
 * from the locked transaction: several staff recording the same check at once, a check recorded
 * again after UNREACHABLE, and earlier days' fever that turns today's fever into a warning sign.
 */
describe('recording a follow-up (one statement unless it may escalate)', () => {
  let svc: TestService;
  let pass: CarePassJob;
  const clock = new ControllableClock(new Date('2021-11-24T03:00:00Z'));
  const run = randomUUID().slice(0, 8);
  const AREA = `r-${run}`;
  const TWICE = `p-${run}-twice`;
  const AGAIN = `p-${run}-again`;
  const FEVER = `p-${run}-fever`;

  const care = careService({
    area: AREA,
    clock,
    topics: [Topics.CARE, Topics.QUARANTINE],
    facilities: [{ id: `tf-${run}`, name: 'Hoi An', areaCode: AREA, capacity: 1000 }],
  });
  const { publish, events, profile, confirm } = care;

  beforeAll(async () => {
    ({ svc, pass } = care);
    for (const personId of [TWICE, AGAIN, FEVER])
      await profile(personId, { vaccineDoses: 2, lastDoseAt: '2021-09-01T00:00:00Z' });
    for (const personId of [TWICE, AGAIN])
      await publish('ContactIdentified', {
        contactId: randomUUID(),
        personId,
        sourcePersonId: `p-${run}-f0`,
        sourceCaseId: randomUUID(),
        degree: 1,
        exposure: {
          kind: 'HOUSEHOLD',
          venueId: null,
          startedAt: '2021-11-23T10:00:00Z',
          endedAt: '2021-11-24T01:00:00Z',
        },
        lastExposureAt: '2021-11-24T01:00:00Z',
        identifiedAt: '2021-11-24T02:00:00Z',
      });
    // No home recorded as eligible: the case is isolated in the facility (one check a day).
    await confirm(FEVER);
    await events(Topics.QUARANTINE, 'QuarantineOrdered', TWICE);
    await events(Topics.QUARANTINE, 'QuarantineOrdered', AGAIN);
    expect((await events(Topics.CARE, 'IsolationOrdered', FEVER))[0].kind).toBe('TREATMENT_FACILITY');
    await pass.run();
  });

  const dueOf = async (personId: string, due: string): Promise<string> => {
    const list = await http(svc.url, 'GET', `/follow-ups?due=${due}&area=${AREA}`, { role: 'quarantine' });
    expect(list.status).toBe(200);
    const [f] = list.body.items.filter((i: { personId: string }) => i.personId === personId);
    expect(f).toBeDefined();
    return f.followUpId as string;
  };
  const record = (id: string, body: unknown) =>
    http(svc.url, 'POST', `/follow-ups/${id}`, { role: 'quarantine', body });

  it('records a check once when several staff send it at the same time', async () => {
    const id = await dueOf(TWICE, '2021-11-24');
    // The test holds the follow-up's row lock, so all six read it DUE; their shared write skips the
    // locked row and each queues at the lock of the locked path (behind the test, or behind each
    // other); once it lets go, the first wins and the others find it no longer DUE.
    const holder: Client = await db();
    const watcher: Client = await db();
    let answers: { status: number }[];
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM quarantine.follow_ups WHERE id = $1 FOR UPDATE', [id]);
      const sent = Promise.all(
        Array.from({ length: 6 }, () => record(id, { status: 'DONE', temperatureC: 36.8, spo2: 98 })),
      );
      await eventually('six recordings waiting at the lock', async () => {
        const { rows } = await watcher.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE '%FROM quarantine.follow_ups f WHERE f.id = $1 FOR UPDATE'
              AND cardinality(pg_blocking_pids(pid)) > 0`,
        );
        return rows[0].n === 6;
      });
      await holder.query('COMMIT');
      answers = await sent;
    } finally {
      await Promise.all([holder.end(), watcher.end()]);
    }
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    // The next day's check of the same person (same key, so after the first on the topic) marks
    // the point by which a second HealthCheckRecorded of the first would have arrived.
    clock.set('2021-11-25T03:00:00Z');
    await pass.run();
    const next = await dueOf(TWICE, '2021-11-25');
    expect((await record(next, { status: 'DONE', temperatureC: 36.6, spo2: 99 })).status).toBe(200);
    const checks = await events(Topics.CARE, 'HealthCheckRecorded', TWICE, 2);
    expect(checks.map((c) => c.followUpId)).toEqual([id, next]);
    expect(checks[0]).toMatchObject({ status: 'DONE', temperatureC: 36.8, spo2: 98, warningSigns: [] });
  });

  it('records a check again after UNREACHABLE, each with its event, in order', async () => {
    const id = await dueOf(AGAIN, '2021-11-25');
    expect((await record(id, { status: 'UNREACHABLE', note: 'no answer' })).status).toBe(200);
    const done = await record(id, { status: 'DONE', temperatureC: 37.1, spo2: 97, symptoms: [] });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'DONE', warningSigns: [], escalation: null });
    expect((await record(id, { status: 'DONE' })).status).toBe(409);
    const checks = await events(Topics.CARE, 'HealthCheckRecorded', AGAIN, 2);
    expect(checks.filter((c) => c.followUpId === id).map((c) => c.status)).toEqual(['UNREACHABLE', 'DONE']);
  });

  it("counts the day before's fever: high fever on two days is a warning sign", async () => {
    const day1 = await dueOf(FEVER, '2021-11-25');
    const first = await record(day1, { status: 'DONE', temperatureC: 38.7, spo2: 97 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ warningSigns: [], escalation: null });
    clock.set('2021-11-26T03:00:00Z');
    await pass.run();
    const day2 = await dueOf(FEVER, '2021-11-26');
    const second = await record(day2, { status: 'DONE', temperatureC: 38.9, spo2: 97 });
    expect(second.status).toBe(200);
    // In a facility already: nothing to move, but the sign is recorded and published.
    expect(second.body).toMatchObject({ warningSigns: ['PERSISTENT_HIGH_FEVER'], escalation: null });
    const checks = await events(Topics.CARE, 'HealthCheckRecorded', FEVER, 2);
    expect(checks.map((c) => c.warningSigns)).toEqual([[], ['PERSISTENT_HIGH_FEVER']]);
  });
});
