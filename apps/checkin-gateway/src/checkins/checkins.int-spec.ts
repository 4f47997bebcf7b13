import { Topics } from '@ct/contracts';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { db, eventually, http, startService, tap, TestService } from '../../../../test/support/services';
import { TracingService } from '../../../tracing/src/service';
import { CheckinGatewayService } from '../service';
import { derivedCheckInId } from './domain/intake';

/** POST /checkins against the real broker, and on to the visit store. */
describe('HTTP check-in intake: POST /checkins → checkins.v1 → tracing.visits', () => {
  let gateway: TestService;
  let tracing: TestService;
  let topics: TopicTap;
  let pg: Client;
  const venue = `v-http-${randomUUID().slice(0, 8)}`;
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

  beforeAll(async () => {
    topics = await tap([Topics.CHECKINS]);
    [gateway, tracing] = await Promise.all([
      startService(CheckinGatewayService),
      startService(TracingService, { RETENTION_INTERVAL_MINUTES: '0' }),
    ]);
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([gateway?.close(), tracing?.close(), topics?.close(), pg?.end()]);
  });

  it('publishes the valid items of a mixed JSON array and reports each bad one by index and field', async () => {
    const good = (i: number) => ({
      checkInId: `http-${venue}-${i}`,
      personId: `p-${i}`,
      venueId: venue,
      checkedInAt: at(90),
      checkedOutAt: at(30),
      source: 'venue-scanner',
    });
    const body = [
      good(0),
      { personId: 'p-x', venueId: venue, checkedInAt: 'noon' }, // bad time
      good(1),
      'not an object',
      { ...good(2), checkedOutAt: at(120) }, // check-out before check-in
      { personId: 'p-derived', venueId: venue, checkedInAt: at(60) }, // no id, no source: defaults
      { checkInId: 'x', venueId: venue, checkedInAt: at(60), source: 's' }, // personId missing
    ];
    const res = await http(gateway.url, 'POST', '/checkins', { role: 'feed', body });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(3);
    expect(res.body.rejected).toBe(4);
    const byIndex = Object.fromEntries(
      res.body.errors.map((e: { index: number; fields: { field: string }[] }) => [
        e.index,
        e.fields.map((f) => f.field),
      ]),
    );
    expect(byIndex).toEqual({ 1: ['checkedInAt'], 3: ['(item)'], 4: ['checkedOutAt'], 6: ['personId'] });

    const published = await topics.waitFor((m) => m.key?.toString() === venue, 3);
    const payloads = published.map((m) => JSON.parse(m.value!.toString()));
    expect(payloads.map((p) => p.checkInId).sort()).toEqual(
      [
        `http-${venue}-0`,
        `http-${venue}-1`,
        derivedCheckInId('p-derived', venue, (body[5] as { checkedInAt: string }).checkedInAt),
      ].sort(),
    );
    expect(payloads.find((p) => p.personId === 'p-derived')).toMatchObject({
      checkedOutAt: null,
      source: 'feed:test-feed',
    });
    expect(String(published[0].headers!.ce_source)).toBe('/checkin-gateway');
    expect(String(published[0].headers!.ce_type)).toBe('CheckInRecorded');

    await eventually(
      'the three stays stored',
      async () =>
        Number(
          (await pg.query('SELECT count(*)::int AS n FROM tracing.visits WHERE venue_id = $1', [venue])).rows[0].n,
        ) === 3,
    );
  });

  it('reads NDJSON, an unreadable line being one rejected item', async () => {
    const v = `${venue}-nd`;
    const line = (i: number) =>
      JSON.stringify({ checkInId: `nd-${v}-${i}`, personId: `p-${i}`, venueId: v, checkedInAt: at(50), source: 'app' });
    const res = await http(gateway.url, 'POST', '/checkins', {
      role: 'feed',
      raw: `${line(0)}\n{broken\n\n${line(1)}\n`,
      contentType: 'application/x-ndjson',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      accepted: 2,
      rejected: 1,
      errors: [
        { index: 1, fields: [{ field: '(item)', problems: [expect.stringMatching(/line 2 is not valid JSON/)] }] },
      ],
    });
    await topics.waitFor((m) => m.key?.toString() === v, 2);
  });

  it('takes 10,000 items in one request and refuses 10,001 with 413', async () => {
    const v = `${venue}-big`;
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      checkInId: `big-${v}-${i}`,
      personId: `p-${i}`,
      venueId: v,
      checkedInAt: at(40),
      source: 'bulk',
    }));
    const ok = await http(gateway.url, 'POST', '/checkins', { role: 'feed', body: items });
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({ accepted: 10_000, rejected: 0 });
    const tooMany = await http(gateway.url, 'POST', '/checkins', { role: 'feed', body: [...items, items[0]] });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.message).toMatch(/10001 check-ins .* at most 10000/);
  });

  it('answers 400 with a clear message to a body that is not JSON or not an array, and 401/403 without the feed role', async () => {
    const notJson = await http(gateway.url, 'POST', '/checkins', { role: 'feed', raw: 'person,venue\n1,2' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/not valid JSON/);
    const notArray = await http(gateway.url, 'POST', '/checkins', { role: 'feed', body: { personId: 'p' } });
    expect(notArray.status).toBe(400);
    expect(notArray.body.message).toMatch(/JSON array/);
    expect((await http(gateway.url, 'POST', '/checkins', { body: [] })).status).toBe(401);
    expect((await http(gateway.url, 'POST', '/checkins', { role: 'tracer', body: [] })).status).toBe(403);
    const docs = await http(gateway.url, 'GET', '/docs-json');
    expect(Object.keys(docs.body.paths)).toContain('/checkins');
  });
});
