import { createEvent, EventPayloads, EventType } from '@ct/contracts';
import { SAMPLE_PAYLOADS } from '@ct/contracts/testing/samples';
import { EventPublisher } from '@ct/messaging';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { eventually, http, startService, TestService, tokenFor } from '../../../../test/support/services';
import { OpsService } from '../service';

/** GET /stats/care from care.v1 through the real broker: counts per area, redeliveries change nothing. */
describe('ops: care figures', () => {
  let svc: TestService;
  const area = `c-${randomUUID().slice(0, 8)}`;
  const day = '2021-11-25';

  beforeAll(async () => {
    svc = await startService(OpsService);
  });

  afterAll(async () => {
    await svc?.close();
  });

  const event = <K extends EventType>(type: K, over: Partial<EventPayloads[K]>) =>
    createEvent(type, { ...SAMPLE_PAYLOADS[type], areaCode: area, ...over }, { source: '/test' });
  const figures = async () => {
    const r = await http(svc.url, 'GET', `/stats/care?day=${day}`, { role: 'ops' });
    return r.body.areas.find((a: { areaCode: string }) => a.areaCode === area);
  };

  it('counts isolations at home and in facilities, waiting for a bed, and a day’s follow-ups', async () => {
    const [home, ward, waiting] = [randomUUID(), randomUUID(), randomUUID()];
    const orders = [
      event('IsolationOrdered', { isolationId: home, personId: 'p-a', kind: 'HOME', facilityId: null }),
      event('IsolationOrdered', {
        isolationId: ward,
        personId: 'p-b',
        kind: 'TREATMENT_FACILITY',
        facilityId: `${area}-f`,
      }),
      event('IsolationOrdered', {
        isolationId: waiting,
        personId: 'p-c',
        kind: 'TREATMENT_FACILITY',
        facilityId: null,
        needsBed: true,
      }),
    ];
    const checks = [
      event('HealthCheckRecorded', { followUpId: randomUUID(), personId: 'p-a', dueOn: day, status: 'DONE' }),
      event('FollowUpMissed', { followUpId: randomUUID(), personId: 'p-b', dueOn: day, lostToFollowUp: true }),
    ];
    const ended = event('IsolationEnded', { isolationId: ward, personId: 'p-b', reason: 'RELEASED' });
    const publisher = svc.app.get(EventPublisher);
    await publisher.publish([...orders, ...checks, ended]);
    await publisher.publish([...checks]); // a redelivery: new event ids, same follow-ups
    const expected = {
      areaCode: area,
      isolatedAtHome: 1,
      isolatedInFacilities: 0,
      waitingForBed: 1,
      bedsFree: 0, // no FacilityBedsChanged for this area
      done: 1,
      unreachable: 0,
      missed: 1,
      lost: 1,
    };
    // The events of p-a, p-b and p-c are on different partitions: wait for all of them, not the first
    // few. A joining ops group first reads what earlier files left on every topic it follows (bursts of
    // thousands of lab results and tests): in CI that took longer than 20 s.
    let last: unknown;
    await eventually(
      'figures',
      async () => {
        last = await figures();
        return isDeepStrictEqual(last, expected);
      },
      90_000,
    ).catch(() => undefined);
    expect(last).toEqual(expected);
    const scoped = await http(svc.url, 'GET', `/stats/care?day=${day}`, { token: tokenFor('tracer', 't', ['79']) });
    expect(scoped.body.areas.find((a: { areaCode: string }) => a.areaCode === area)).toBeUndefined();
    const bad = await http(svc.url, 'GET', '/stats/care?day=2021-02-30', { role: 'ops' });
    expect(bad.status).toBe(400);
  }, 120_000);
});
