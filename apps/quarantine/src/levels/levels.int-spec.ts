import { createEvent, EventEnvelope, EventPayloads, EventType, Topics } from '@ct/contracts';
import { EventPublisher, TappedMessage } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { ServiceClock } from '@ct/platform';
import { ControllableClock } from '@ct/platform/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, eventually, http, startService, tap, TestService } from '../../../../test/support/services';
import { QuarantineService } from '../service';

/**
 * Rules by epidemic level (issue 18) through the real broker and database: EpidemicLevelChanged
 * (assessed or declared, late, twice, out of order) sets an area's level; a new order takes the rule
 * in force, an existing order keeps the one it was made under and says which in its history.
 */
describe('quarantine: rules by epidemic level (surveillance.v1 → new orders)', () => {
  let svc: TestService;
  let pg: Client;
  let topics: TopicTap;
  let publisher: EventPublisher;
  const clock = new ControllableClock(new Date('2021-11-21T03:00:00Z'));
  const run = randomUUID().slice(0, 8);
  const AREA = `lv-${run}`; // not in AREAS_FILE: its own level only
  const person = (name: string) => `p-${run}-${name}`;

  beforeAll(async () => {
    topics = await tap([Topics.QUARANTINE, Topics.TESTING]);
    svc = await startService(QuarantineService, { QUARANTINE_RELEASE_INTERVAL_SECONDS: '0' });
    svc.app.get(ServiceClock).use(clock);
    publisher = svc.app.get(EventPublisher);
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([svc?.close(), topics?.close(), pg?.end()]);
  });

  const event = <K extends EventType>(type: K, payload: EventPayloads[K]) =>
    createEvent(type, payload, { source: '/test' });
  const publish = (...events: EventEnvelope[]) => publisher.publish(events);
  const level = (level: 1 | 2 | 3 | 4, changedAt: string, over: Partial<EventPayloads['EpidemicLevelChanged']> = {}) =>
    event('EpidemicLevelChanged', {
      areaCode: AREA,
      previousLevel: null,
      level,
      weekStart: '2021-11-15',
      casesPer100k: 10,
      changedAt,
      ...over,
    });
  const profile = (personId: string) =>
    event('PersonProfileChanged', {
      personId,
      areaCode: AREA,
      vaccineDoses: 0,
      lastDoseAt: null,
      recoveredAt: null,
      changedAt: '2021-11-01T00:00:00Z',
    });
  const contact = (personId: string) =>
    event('ContactIdentified', {
      contactId: randomUUID(),
      personId,
      sourcePersonId: person('f0'),
      sourceCaseId: randomUUID(),
      degree: 1,
      exposure: {
        kind: 'HOUSEHOLD',
        venueId: null,
        startedAt: '2021-11-20T10:00:00Z',
        endedAt: '2021-11-21T01:00:00Z',
      },
      lastExposureAt: '2021-11-21T01:00:00Z', // day 0 = 2021-11-21 (UTC+7)
      identifiedAt: '2021-11-21T02:00:00Z',
    });
  const of = (type: string, personId: string) => (m: TappedMessage) =>
    m.topic === Topics.QUARANTINE && m.key?.toString() === personId && String(m.headers?.ce_type) === type;
  const orders = async (personId: string, count: number) =>
    (await topics.waitFor(of('QuarantineOrdered', personId), count)).map((m) => JSON.parse(m.value!.toString()));
  /** Waits until the service has taken in these level events (they travel apart from the contacts). */
  const levelsTaken = (ids: string[]) =>
    eventually(`level events ${ids.join(',')} handled`, async () => {
      const { rows } = await pg.query(
        'SELECT count(*)::int AS n FROM quarantine.area_levels WHERE event_id = ANY($1)',
        [ids],
      );
      return rows[0].n === ids.length;
    });
  const profilesTaken = (ids: string[]) =>
    eventually('profiles handled', async () => {
      const { rows } = await pg.query(
        'SELECT count(*)::int AS n FROM quarantine.person_profiles WHERE person_id = ANY($1)',
        [ids],
      );
      return rows[0].n === ids.length;
    });
  const history = async (quarantineId: string) =>
    (await http(svc.url, 'GET', `/quarantines/${quarantineId}`, { role: 'quarantine' })).body.history as {
      change: string;
      reason: string | null;
    }[];

  it('the same contact gets 14 days at level 4 and 7 days at level 1; the order made at level 4 keeps its 14 days', async () => {
    const a = person('a');
    const b = person('b');
    await publish(profile(a), profile(b));
    await profilesTaken([a, b]);

    const red = level(4, '2021-11-15T00:00:00Z');
    await publish(red, red); // twice: the inbox makes the second a no-op
    await levelsTaken([red.meta.id]);
    await publish(contact(a));
    const [first] = await orders(a, 1);
    expect(first).toMatchObject({ dayZero: '2021-11-21', testDays: [1, 7, 14], endsAt: '2021-12-04T17:00:00.000Z' });
    const rule = (await history(first.quarantineId)).find((h) => h.change === 'RULE');
    expect(rule?.reason).toContain(`level 4 (ASSESSED, area ${AREA}`);
    expect(rule?.reason).toContain('not fully vaccinated 14 days, tests 1,7,14');

    // The committee's assessment drops to level 1; a late copy of an older level-3 change arrives after it.
    const green = level(1, '2021-11-22T00:00:00Z', { previousLevel: 4 });
    const stale = level(3, '2021-11-08T00:00:00Z');
    await publish(green, stale);
    await levelsTaken([green.meta.id, stale.meta.id]);

    // A new order (b, same exposure) takes level 1: 7 days, tests on days 1 and 7.
    await publish(contact(b));
    const [other] = await orders(b, 1);
    expect(other).toMatchObject({ dayZero: '2021-11-21', testDays: [1, 7], endsAt: '2021-11-27T17:00:00.000Z' });
    expect((await history(other.quarantineId)).find((h) => h.change === 'RULE')?.reason).toContain('level 1');

    // a's order keeps its level-4 rule: a new exposure of the same day does not shorten it.
    const again = contact(a);
    await publish(again);
    await eventually('the repeat contact handled', async () => {
      const { rows } = await pg.query('SELECT 1 FROM quarantine.inbox WHERE event_id = $1', [again.meta.id]);
      return rows.length === 1;
    });
    const { rows: kept } = await pg.query(
      `SELECT ends_at, test_days, status FROM quarantine.quarantines WHERE id = $1`,
      [first.quarantineId],
    );
    expect(kept[0]).toMatchObject({ test_days: [1, 7, 14], status: 'ACTIVE' });
    expect(new Date(kept[0].ends_at).toISOString()).toBe('2021-12-04T17:00:00.000Z');

    // The same contact once their order is cancelled: a new order, now under level 1.
    const cancelled = await http(svc.url, 'POST', `/quarantines/${first.quarantineId}/cancel`, {
      role: 'admin',
      body: { reason: 'test: re-ordered under the new level' },
    });
    expect(cancelled.status).toBe(200);
    await publish(contact(a));
    const [, second] = await orders(a, 2);
    expect(second).toMatchObject({ dayZero: '2021-11-21', testDays: [1, 7], endsAt: '2021-11-27T17:00:00.000Z' });
  });

  it('a declared level is in force until a later change; the order names the declaration', async () => {
    const c = person('c');
    await publish(profile(c));
    await profilesTaken([c]);
    const declared = level(4, '2021-11-23T00:00:00Z', {
      previousLevel: 1,
      source: 'DECLARED',
      reason: 'cluster at the wholesale market',
      assessedLevel: 1,
    });
    await publish(declared);
    await levelsTaken([declared.meta.id]);
    await publish(contact(c));
    const [order] = await orders(c, 1);
    expect(order).toMatchObject({ testDays: [1, 7, 14], endsAt: '2021-12-04T17:00:00.000Z' });
    expect((await history(order.quarantineId)).find((h) => h.change === 'RULE')?.reason).toContain(
      `level 4 (DECLARED, area ${AREA}`,
    );
  });
});
