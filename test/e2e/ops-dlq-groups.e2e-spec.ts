import { createEvent, dlqTopic, toKafkaHeaders, Topics } from '@ct/contracts';
import { EventPublisher, MessagingObserver } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { OpsService } from '../../apps/ops/src/service';
import { eventually, http, startService, tap, testKafka, TestService } from '../support/services';

/**
 * Issue 12: the dashboard's dead letters grouped by reason with counts, paginated newest first in
 * numeric id order, and a whole group replayed once its cause is fixed; stalled-partition flags in
 * GET /ops/lag.
 */
describe('ops: dead letters by reason, pages, group replay', () => {
  let ops: TestService;
  let topics: TopicTap;
  let publisher: EventPublisher;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    topics = await tap([Topics.CASES]);
    ops = await startService(OpsService);
    publisher = new EventPublisher(testKafka('ops-dlq-test'), new MessagingObserver());
  });

  afterAll(async () => {
    await Promise.all([ops?.close(), topics?.close(), publisher?.onApplicationShutdown()]);
  });

  /** A dead letter as a consumer writes it: the original event with dlq_* headers. */
  const deadLetter = (reason: string) => {
    const e = createEvent(
      'CaseConfirmed',
      {
        caseId: randomUUID(),
        personId: `p-${randomUUID()}`,
        confirmedAt: new Date().toISOString(),
        symptomOnsetAt: null,
        sampleTakenAt: null,
        testType: 'PCR',
        origin: 'SCREENING',
        areaCode: '20290',
      },
      { source: '/test' },
    );
    const headers = {
      ...toKafkaHeaders(e.meta),
      dlq_reason: reason,
      dlq_category: 'exhausted',
      dlq_attempts: '5',
      dlq_fields: '[]',
      dlq_topic: Topics.CASES,
      dlq_partition: '0',
      dlq_offset: '0',
      dlq_group: 'test-group',
      dlq_time: new Date().toISOString(),
    };
    return {
      id: e.meta.id,
      message: { topic: dlqTopic(Topics.CASES), key: e.key, value: JSON.stringify(e.payload), headers },
    };
  };

  it('groups dead letters by reason with counts, pages them newest first by numeric id, and replays a whole group once', async () => {
    const reasonA = `failed 5 times: handler bug ${run} A`;
    const reasonB = `failed 5 times: handler bug ${run} B`;
    const a = Array.from({ length: 12 }, () => deadLetter(reasonA));
    const b = Array.from({ length: 3 }, () => deadLetter(reasonB));
    // Interleaved, in one partition order: the groups' newest entries differ.
    await publisher.send([...a.slice(0, 6), ...b, ...a.slice(6)].map((d) => d.message));

    const groupOf = (reason: string) => async () => {
      const r = await http(ops.url, 'GET', '/ops/dlq/groups?limit=500', { role: 'ops' });
      const g = (r.body.groups as any[]).find((x) => x.reason === reason);
      return g && g.count === (reason === reasonA ? 12 : 3) ? g : undefined;
    };
    const gA = await eventually('group A with 12 dead letters', groupOf(reasonA));
    const gB = await eventually('group B with 3 dead letters', groupOf(reasonB));
    expect(gA).toMatchObject({
      originalTopic: Topics.CASES,
      failedGroup: 'test-group',
      category: 'exhausted',
      count: 12,
      notReplayed: 12,
    });
    expect(gB).toMatchObject({ count: 3, notReplayed: 3 });
    expect(gA.key).toMatch(/^[0-9a-f]{32}$/);
    const all = await http(ops.url, 'GET', '/ops/dlq/groups?limit=500', { role: 'ops' });
    const order = (all.body.groups as any[]).map((g) => BigInt(g.newestId));
    expect(order).toEqual([...order].sort((x, y) => (x < y ? 1 : x > y ? -1 : 0)));
    expect(all.body.total).toBeGreaterThanOrEqual(2);

    // Pages of 5 within group A: newest first by numeric id, 5 + 5 + 2, then no next page.
    const seen: string[] = [];
    let before: string | null = null;
    for (const size of [5, 5, 2]) {
      const page: { status: number; body: any } = await http(
        ops.url,
        'GET',
        `/ops/dlq?group=${gA.key}&limit=5${before ? `&before=${before}` : ''}`,
        { role: 'ops' },
      );
      expect(page.status).toBe(200);
      expect(page.body.entries).toHaveLength(size);
      seen.push(...page.body.entries.map((e: any) => e.id));
      before = page.body.next;
    }
    expect(before).toBeNull();
    const ids = seen.map((x) => BigInt(x));
    for (let i = 1; i < ids.length; i++) expect(ids[i] < ids[i - 1]).toBe(true);
    expect(new Set(seen).size).toBe(12);
    expect((await http(ops.url, 'GET', '/ops/dlq?before=abc', { role: 'ops' })).status).toBe(400);
    expect((await http(ops.url, 'GET', '/ops/dlq?group=nope', { role: 'ops' })).status).toBe(400);

    // Replay the whole group: every entry once, oldest first, audited; a second replay sends nothing.
    expect((await http(ops.url, 'POST', `/ops/dlq/groups/${gA.key}/replay`, { role: 'tracer' })).status).toBe(403);
    const replayed = await http(ops.url, 'POST', `/ops/dlq/groups/${gA.key}/replay`, { role: 'ops' });
    expect(replayed).toMatchObject({ status: 200, body: { key: gA.key, replayed: 12 } });
    const again = await http(ops.url, 'POST', `/ops/dlq/groups/${gA.key}/replay`, { role: 'ops' });
    expect(again.body.replayed).toBe(0);
    const wanted = new Set(a.map((d) => d.id));
    const back = await topics.waitFor((m) => m.topic === Topics.CASES && wanted.has(String(m.headers?.ce_id)), 12);
    // Each once (the keys differ, so across partitions there is no order to compare).
    expect(back.map((m) => String(m.headers?.ce_id)).sort()).toEqual(a.map((d) => d.id).sort());
    expect(back.every((m) => Object.keys(m.headers ?? {}).every((k) => !k.startsWith('dlq_')))).toBe(true);
    expect(await groupOf(reasonA)()).toMatchObject({ notReplayed: 0 });
    expect(await groupOf(reasonB)()).toMatchObject({ notReplayed: 3 });
    expect((await http(ops.url, 'POST', `/ops/dlq/groups/${'0'.repeat(32)}/replay`, { role: 'ops' })).status).toBe(404);
  });

  it('reports stalled partitions per group in GET /ops/lag (none while consumers move)', async () => {
    const r = await http(ops.url, 'GET', '/ops/lag', { role: 'ops' });
    expect(r.status).toBe(200);
    const monitor = (r.body.groups as any[]).find((g) => g.group === 'ops-monitor');
    expect(monitor.stalled).toEqual([]);
    for (const g of r.body.groups) expect(Array.isArray(g.stalled)).toBe(true);
  });
});
