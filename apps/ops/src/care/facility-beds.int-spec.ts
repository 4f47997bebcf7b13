import { createEvent, EventPayloads } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { eventually, http, startService, TestService, tokenFor } from '../../../../test/support/services';
import { OpsService } from '../service';

/**
 * Free beds from FacilityBedsChanged (care.v1, key facilityId) through the real broker: the latest
 * figures per facility whatever order they arrive in, redeliveries change nothing; GET /stats/care
 * per area now, GET /stats/weekly at each week's end.
 */
describe('ops: free beds of treatment facilities', () => {
  let svc: TestService;
  let publisher: EventPublisher;
  const run = randomUUID().slice(0, 8);
  const area = `fb-${run}`;
  const other = `fb-${run}-other`;
  // A ward of the areas file; its figures are read in 2004, a year no other test writes.
  const WARD = '20338';

  beforeAll(async () => {
    svc = await startService(OpsService);
    publisher = svc.app.get(EventPublisher);
  });

  afterAll(async () => {
    await svc?.close();
  });

  const beds = (facility: string, areaCode: string, capacity: number, occupied: number, changedAt: string) =>
    createEvent(
      'FacilityBedsChanged',
      {
        facilityId: `tf-${run}-${facility}`,
        areaCode,
        capacity,
        occupied,
        free: Math.max(0, capacity - occupied),
        changedAt,
      } satisfies EventPayloads['FacilityBedsChanged'],
      { source: '/test' },
    );

  /** Polls until `read` gives `expected` (ops reads care.v1 from the beginning when it first joins). */
  const settle = async (what: string, read: () => Promise<unknown>, expected: unknown) => {
    let last: unknown;
    await eventually(
      what,
      async () => {
        last = await read();
        return isDeepStrictEqual(last, expected);
      },
      90_000,
    ).catch(() => undefined);
    expect(last).toEqual(expected);
  };

  it('sums the latest free beds of each area’s facilities; an older event never overwrites a newer one', async () => {
    const newer = beds('a1', area, 10, 6, '2021-11-25T08:00:00Z');
    await publisher.publish([
      newer,
      beds('a2', area, 5, 2, '2021-11-25T07:00:00Z'),
      beds('b1', other, 100, 0, '2021-11-25T07:00:00Z'),
    ]);
    await publisher.publish([beds('a1', area, 10, 1, '2021-11-25T07:30:00Z')]); // older, arriving late
    await publisher.publish([newer]); // a redelivery of the same event
    const bedsFree = async () => {
      const r = await http(svc.url, 'GET', '/stats/care?day=2021-11-25', { role: 'ops' });
      const of = (code: string) => r.body.areas.find((a: { areaCode: string }) => a.areaCode === code)?.bedsFree;
      return { [area]: of(area), [other]: of(other) };
    };
    await settle('free beds per area', bedsFree, { [area]: 4 + 3, [other]: 100 });
    const full = await http(svc.url, 'GET', '/stats/care?day=2021-11-25', { role: 'ops' });
    expect(full.body.areas.find((a: { areaCode: string }) => a.areaCode === area)).toMatchObject({
      isolatedAtHome: 0,
      isolatedInFacilities: 0,
      waitingForBed: 0,
      bedsFree: 7,
    });
    // Area-scoped like the rest of the route: a tracer of 79 sees neither area.
    const scoped = await http(svc.url, 'GET', '/stats/care?day=2021-11-25', { token: tokenFor('tracer', 't', ['79']) });
    expect(scoped.status).toBe(200);
    expect(scoped.body.areas.map((a: { areaCode: string }) => a.areaCode)).not.toEqual(expect.arrayContaining([area]));
    expect(scoped.body.areas.map((a: { areaCode: string }) => a.areaCode)).not.toEqual(expect.arrayContaining([other]));
  }, 120_000);

  it('gives the free beds at each week’s end in GET /stats/weekly, whatever order the events arrive in', async () => {
    // Weeks (local, Monday to Sunday): 29/12/2003, 05/01/2004, 12/01/2004; they end at 00:00 local
    // on 05/01, 12/01 and 19/01.
    const latest = beds('w1', WARD, 10, 8, '2004-01-14T03:00:00Z');
    await publisher.publish([latest, beds('w2', WARD, 4, 3, '2004-01-08T03:00:00Z')]);
    await publisher.publish([
      beds('w1', WARD, 10, 2, '2004-01-10T03:00:00Z'),
      beds('w1', WARD, 10, 5, '2004-01-07T03:00:00Z'),
    ]);
    await publisher.publish([latest]); // a redelivery
    const weekly = async () => {
      const r = await http(svc.url, 'GET', `/stats/weekly?area=${WARD}&weeks=3&until=2004-01-14`, { role: 'ops' });
      return r.body.weeks?.map((w: { weekStart: string; isolations: { bedsFree: number } }) => [
        w.weekStart,
        w.isolations.bedsFree,
      ]);
    };
    await settle('free beds at each week’s end', weekly, [
      ['2003-12-29', 0],
      ['2004-01-05', 8 + 1],
      ['2004-01-12', 2 + 1],
    ]);
    const r = await http(svc.url, 'GET', `/stats/weekly?area=${WARD}&weeks=3&until=2004-01-14`, { role: 'ops' });
    expect(r.body.weeks[2].isolations).toEqual({ atHome: 0, inFacilities: 0, waitingForBed: 0, bedsFree: 3 });
  }, 120_000);
});
