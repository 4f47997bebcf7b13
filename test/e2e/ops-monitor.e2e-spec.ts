import { createEvent, dlqTopic, toKafkaHeaders, Topics } from '@ct/contracts';
import { SAMPLE_PAYLOADS } from '@ct/contracts/testing/samples';
import { EventPublisher, MessagingObserver } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OpsService } from '../../apps/ops/src/service';
import { db, eventually, http, startService, tap, testKafka, TestService } from '../support/services';

/**
 * The ops service against the real broker: topic rates and lag from real traffic, a poisoned event
 * in the DLQ view and its audited replay, and the surveillance read model with level changes.
 */
describe('ops: topic monitor, DLQ replay, lag, surveillance', () => {
  let ops: TestService;
  let pg: Client;
  let topics: TopicTap;
  let publisher: EventPublisher;
  let dlqEntryId: string;

  beforeAll(async () => {
    topics = await tap([Topics.CASES, Topics.SURVEILLANCE]);
    ops = await startService(OpsService);
    pg = await db();
    publisher = new EventPublisher(testKafka('ops-test'), new MessagingObserver());
  });

  afterAll(async () => {
    await Promise.all([ops?.close(), topics?.close(), pg?.end(), publisher?.onApplicationShutdown()]);
  });

  const caseEvent = (areaCode: string, personId = `p-${randomUUID()}`, confirmedAt = new Date().toISOString()) =>
    createEvent(
      'CaseConfirmed',
      {
        caseId: randomUUID(),
        personId,
        confirmedAt,
        symptomOnsetAt: null,
        sampleTakenAt: null,
        testType: 'PCR',
        origin: 'SCREENING',
        areaCode,
      },
      { source: '/test' },
    );

  it('counts real traffic per topic with per-minute rates and shows the latest events with headers', async () => {
    const venueId = `v-${randomUUID()}`;
    const now = Date.now();
    const events = Array.from({ length: 30 }, (_, i) =>
      createEvent(
        'CheckInRecorded',
        {
          ...SAMPLE_PAYLOADS.CheckInRecorded,
          checkInId: `ci-${randomUUID()}`,
          personId: `p-${i}`,
          venueId,
          checkedInAt: new Date(now - 60000).toISOString(),
          checkedOutAt: null,
        },
        { source: '/test' },
      ),
    );
    await publisher.publish(events);

    const res = await eventually('the monitor to see the 30 check-ins', async () => {
      const r = await http(ops.url, 'GET', `/ops/topics/${Topics.CHECKINS}/events?limit=1000`, { role: 'ops' });
      const mine = (r.body.events as any[]).filter((e) => e.key === venueId);
      return mine.length === 30 ? mine : undefined;
    });
    expect(res[0].headers).toMatchObject({ ce_type: 'CheckInRecorded', ce_specversion: '1.0', ce_source: '/test' });
    expect(res.map((e) => e.payload.checkInId).sort()).toEqual(events.map((e) => e.payload.checkInId).sort());

    const t = await http(ops.url, 'GET', '/ops/topics', { role: 'ops' });
    expect(t.status).toBe(200);
    const checkins = t.body.topics.find((x: any) => x.topic === Topics.CHECKINS);
    expect(checkins.count).toBeGreaterThanOrEqual(30);
    expect(checkins.lastMinute).toBeGreaterThanOrEqual(30);
    expect(checkins.perMinute.reduce((s: number, m: any) => s + m.count, 0)).toBeGreaterThanOrEqual(30);
    expect(checkins.byType.CheckInRecorded).toBeGreaterThanOrEqual(30);
    expect(t.body.topics.map((x: any) => x.topic)).toEqual(
      expect.arrayContaining([Topics.SURVEILLANCE, dlqTopic(Topics.CASES)]),
    );

    expect((await http(ops.url, 'GET', '/ops/topics', { role: 'tracer' })).status).toBe(403);
    expect((await http(ops.url, 'GET', '/ops/topics/nope.v1/events', { role: 'ops' })).status).toBe(404);
  });

  it('shows a poisoned event in the DLQ with its reason and replays it, audited, with the original headers', async () => {
    const key = `p-${randomUUID()}`;
    const meta = caseEvent('20290').meta;
    await publisher.send([
      {
        topic: Topics.CASES,
        key,
        value: JSON.stringify({ caseId: 'x', personId: key, confirmedAt: 'not-a-date', testType: 'PCR' }),
        headers: toKafkaHeaders({ ...meta, id: randomUUID(), correlationId: 'corr-poison' }),
      },
    ]);
    const entry = await eventually('the dead letter in GET /ops/dlq', async () => {
      const r = await http(ops.url, 'GET', `/ops/dlq?topic=${Topics.CASES}`, { role: 'ops' });
      return (r.body.entries as any[]).find((e) => e.key === key);
    });
    expect(entry).toMatchObject({
      originalTopic: Topics.CASES,
      dlqTopic: dlqTopic(Topics.CASES),
      eventType: 'CaseConfirmed',
      failedGroup: 'ops',
      replayCount: 0,
    });
    expect(entry.reason).toMatch(/confirmedAt/);
    expect((entry.fields as any[]).map((f) => f.field)).toEqual(expect.arrayContaining(['confirmedAt', 'areaCode']));

    expect((await http(ops.url, 'POST', `/ops/dlq/${entry.id}/replay`, { role: 'tracer' })).status).toBe(403);
    const replayed = await http(ops.url, 'POST', `/ops/dlq/${entry.id}/replay`, { role: 'ops' });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ id: entry.id, replayCount: 1, replays: [{ replayedBy: 'test-ops' }] });

    const copies = await topics.waitFor((m) => m.topic === Topics.CASES && m.key?.toString() === key, 2);
    const h = Object.fromEntries(Object.entries(copies[1].headers ?? {}).map(([k, v]) => [k, String(v)]));
    expect(h.ce_id).toBe(entry.eventId);
    expect(h.ce_correlationid).toBe('corr-poison');
    expect(Object.keys(h).filter((k) => k.startsWith('dlq_'))).toEqual([]);
    expect(copies[1].value?.toString()).toBe(copies[0].value?.toString());

    const { rows } = await pg.query('SELECT replayed_by, target_topic FROM ops.dlq_replays WHERE entry_id = $1', [
      entry.id,
    ]);
    expect(rows).toEqual([{ replayed_by: 'test-ops', target_topic: Topics.CASES }]);
    // Still poisoned: the replayed copy is dead-lettered again, a second entry with the same event id.
    await eventually('the replayed copy to be dead-lettered again', async () => {
      const r = await http(ops.url, 'GET', `/ops/dlq?topic=${Topics.CASES}`, { role: 'ops' });
      return (r.body.entries as any[]).filter((e) => e.eventId === entry.eventId).length === 2;
    });
    expect((await http(ops.url, 'POST', '/ops/dlq/999999999/replay', { role: 'ops' })).status).toBe(404);
    dlqEntryId = entry.id;
  });

  it('counts weekly cases per area, community or not, and publishes level changes', async () => {
    const area = '20359'; // Xã Cẩm Thanh, population 8,523
    const first = caseEvent(area);
    await publisher.publish([first]);
    const [l1] = await topics.waitFor((m) => m.topic === Topics.SURVEILLANCE && m.key?.toString() === area);
    expect(JSON.parse(l1.value!.toString())).toMatchObject({ areaCode: area, previousLevel: null, level: 1 });
    const h1 = Object.fromEntries(Object.entries(l1.headers ?? {}).map(([k, v]) => [k, String(v)]));
    expect(h1).toMatchObject({
      ce_type: 'EpidemicLevelChanged',
      ce_source: '/ops',
      ce_causationid: first.meta.id,
      ce_correlationid: first.meta.correlationId,
    });

    await publisher.publish([caseEvent(area)]);
    const changes = await topics.waitFor((m) => m.topic === Topics.SURVEILLANCE && m.key?.toString() === area, 2);
    // 2 community cases / 8,523 people = 23.5 per 100,000 → level 2
    expect(JSON.parse(changes[1].value!.toString())).toMatchObject({ previousLevel: 1, level: 2, casesPer100k: 23.47 });

    // A person in quarantine when confirmed is not a community case.
    const personId = `p-${randomUUID()}`;
    const ordered = createEvent(
      'QuarantineOrdered',
      {
        ...SAMPLE_PAYLOADS.QuarantineOrdered,
        quarantineId: randomUUID(),
        personId,
        startsAt: new Date(Date.now() - 86400000).toISOString(),
        endsAt: new Date(Date.now() + 86400000 * 6).toISOString(),
        orderedAt: new Date(Date.now() - 86400000).toISOString(),
      },
      { source: '/test' },
    );
    await publisher.publish([ordered]);
    await eventually(
      'the quarantine to be tracked',
      async () =>
        (await pg.query('SELECT 1 FROM ops.quarantined_persons WHERE person_id = $1', [personId])).rowCount === 1,
    );
    await publisher.publish([caseEvent(area, personId)]);

    const weekly = await eventually('three cases in the weekly figures', async () => {
      const r = await http(ops.url, 'GET', `/stats/weekly?area=${area}&weeks=2`, { role: 'tracer' });
      return r.body.weeks?.[1]?.count === 3 ? r.body : undefined;
    });
    expect(weekly.weeks[1]).toMatchObject({
      count: 3,
      community: 2,
      previous: 0,
      text: '3 cases this week, none the week before',
    });
    // The district and the province include the commune.
    const district = await http(ops.url, 'GET', '/stats/weekly?area=503&weeks=1', { role: 'ops' });
    expect(district.body.weeks[0].count).toBeGreaterThanOrEqual(3);

    const level = await http(ops.url, 'GET', `/areas/${area}/level`, { role: 'tracer' });
    expect(level.body).toMatchObject({ areaCode: area, level: 2, colour: 'yellow', communityCases: 2, coverage: null });

    // Low coverage raises the level one step: published as a change 2 → 3.
    expect(
      (
        await http(ops.url, 'PUT', `/areas/${area}/coverage`, {
          role: 'tracer',
          body: { adultsOneDosePct: 50, over50FullyVaccinatedPct: 90 },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await http(ops.url, 'PUT', `/areas/${area}/coverage`, {
          role: 'admin',
          body: { adultsOneDosePct: 150, over50FullyVaccinatedPct: 90 },
        })
      ).status,
    ).toBe(400);
    const put = await http(ops.url, 'PUT', `/areas/${area}/coverage`, {
      role: 'admin',
      body: { adultsOneDosePct: 50, over50FullyVaccinatedPct: 90 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ level: 3, baseLevel: 2, colour: 'orange' });
    const after = await topics.waitFor((m) => m.topic === Topics.SURVEILLANCE && m.key?.toString() === area, 3);
    expect(JSON.parse(after[2].value!.toString())).toMatchObject({ previousLevel: 2, level: 3 });
    expect((await http(ops.url, 'GET', '/areas/nowhere/level', { role: 'ops' })).status).toBe(404);
  });

  it("reports consumer-group lag from Kafka's admin API: it rises while the group is stopped and falls when it resumes", async () => {
    const lagOf = async (group: string, topic: string) => {
      const r = await http(ops.url, 'GET', '/ops/lag', { role: 'ops' });
      expect(r.status).toBe(200);
      const g = (r.body.groups as any[]).find((x) => x.group === group);
      return g?.topics.find((t: any) => t.topic === topic)?.lag as number | undefined;
    };
    await eventually(
      'the ops group to have caught up on cases.v1',
      async () => (await lagOf('ops', Topics.CASES)) === 0,
    );

    await ops.server.close();
    await publisher.publish(Array.from({ length: 5 }, () => caseEvent('20290', undefined, '2020-06-10T03:00:00Z')));
    expect(
      await eventually('lag 5 on cases.v1', async () => ((await lagOf('ops', Topics.CASES)) === 5 ? 5 : undefined)),
    ).toBe(5);

    await new Promise<void>((resolve, reject) => ops.server.listen((err?: unknown) => (err ? reject(err) : resolve())));
    await eventually('the lag to fall back to 0', async () => (await lagOf('ops', Topics.CASES)) === 0, 40000);
    const r = await http(ops.url, 'GET', '/ops/lag', { role: 'ops' });
    expect((r.body.groups as any[]).map((g) => g.group)).toEqual(
      expect.arrayContaining(['tracing', 'cases', 'quarantine', 'ops']),
    );
  });

  it('keeps dead letters and their replay history across a restart', async () => {
    await ops.close();
    ops = await startService(OpsService);
    const r = await http(ops.url, 'GET', `/ops/dlq/${dlqEntryId}`, { role: 'ops' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: dlqEntryId, replayCount: 1, replays: [{ replayedBy: 'test-ops' }] });
    // The monitor's group resumes from its committed offsets: the entry is not recorded twice.
    await new Promise((res) => setTimeout(res, 1500));
    const { rows } = await pg.query(
      'SELECT count(*)::int AS n FROM ops.dlq_entries WHERE event_id = (SELECT event_id FROM ops.dlq_entries WHERE id = $1)',
      [dlqEntryId],
    );
    expect(rows[0].n).toBe(2);
  });
});
