import { dlqTopic, Topics } from '@ct/contracts';
import { EventPublisher, MessagingObserver } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CasesService } from '../../apps/cases/src/service';
import { OpsService } from '../../apps/ops/src/service';
import { eventually, http, startService, tap, testKafka, tokenFor, TestService } from '../support/services';

async function scrape(url: string, role: 'ops' | 'tracer' | null = 'ops') {
  const res = await fetch(`${url}/metrics`, { headers: role ? { authorization: `Bearer ${tokenFor(role)}` } : {} });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const value = (text: string, metric: string, labels: Record<string, string>) => {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${metric}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.split(' ').pop());
};

/** Prometheus /metrics on every service and correlation ids from HTTP requests into events and logs. */
describe('metrics and correlation ids', () => {
  let cases: TestService;
  let ops: TestService;
  let topics: TopicTap;
  let publisher: EventPublisher;

  beforeAll(async () => {
    topics = await tap([Topics.CASES]);
    [cases, ops] = await Promise.all([startService(CasesService), startService(OpsService)]);
    publisher = new EventPublisher(testKafka('metrics-test'), new MessagingObserver());
  });

  afterAll(async () => {
    await Promise.all([cases?.close(), ops?.close(), topics?.close(), publisher?.onApplicationShutdown()]);
  });

  it("carries the caller's x-correlation-id into the response, the log lines and the published event", async () => {
    const correlationId = `corr-${randomUUID()}`;
    const personId = `pm-${randomUUID()}`;
    const res = await fetch(`${cases.url}/cases`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenFor('tracer')}`,
        'content-type': 'application/json',
        'x-correlation-id': correlationId,
      },
      body: JSON.stringify({ personId, confirmedAt: '2021-11-20T08:00:00Z', testType: 'PCR', areaCode: '49' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe(correlationId);
    const [msg] = await topics.waitFor((m) => m.key?.toString() === personId);
    expect(String(msg.headers?.ce_correlationid)).toBe(correlationId);

    const generated = await fetch(`${cases.url}/health`);
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await fetch(`${cases.url}/health`, { headers: { 'x-correlation-id': 'bad id with spaces' } });
    expect(unsafe.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus metrics per service, for role ops only, hidden from OpenAPI', async () => {
    expect((await scrape(cases.url, null)).status).toBe(401);
    expect((await scrape(cases.url, 'tracer')).status).toBe(403);
    const docs = (await (await fetch(`${cases.url}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths)).not.toContain('/metrics');

    const m = await eventually('cases to count the request and the produced event', async () => {
      const s = await scrape(cases.url);
      return (value(s.text, 'messaging_events_produced_total', { topic: Topics.CASES }) ?? 0) >= 1 ? s : undefined;
    });
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/text\/plain/);
    expect(
      value(m.text, 'http_request_duration_seconds_count', {
        method: 'POST',
        route: '/cases',
        status: '201',
        service: 'cases',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(m.text).toMatch(/^outbox_backlog\{service="cases"\} \d+$/m);
    expect(value(m.text, 'db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(m.text).toContain('# TYPE kafka_consumer_group_lag gauge');
  });

  it('counts consumed and dead-lettered events per topic in the consuming service', async () => {
    const key = `pm-${randomUUID()}`;
    await publisher.send([
      {
        topic: Topics.CASES,
        key,
        value: '{"not":"a case"}',
        headers: { ce_type: 'CaseConfirmed', ce_id: randomUUID(), ce_specversion: '1.0' },
      },
    ]);
    await topics.waitFor((m) => m.key?.toString() === key);
    // This file's dead letter first: a late-joining ops group first reads what earlier files left on
    // every topic it follows (bursts of thousands of lab results and tests; their dead letters count
    // too), which in CI took longer than 20 s. Only ops reads cases.v1 here, so once the dead letter
    // of this key is in ops, ops has dead-lettered it.
    const entry = await eventually(
      'the dead letter in ops',
      async () => {
        const r = await http(ops.url, 'GET', `/ops/dlq?topic=${Topics.CASES}`, { role: 'ops' });
        return (r.body.entries as any[]).find((e) => e.key === key);
      },
      90_000,
    );
    const m = await eventually('ops to count the dead letter', async () => {
      const s = await scrape(ops.url);
      return (value(s.text, 'messaging_events_dead_lettered_total', { topic: Topics.CASES }) ?? 0) >= 1
        ? s.text
        : undefined;
    });
    expect(value(m, 'messaging_events_produced_total', { topic: dlqTopic(Topics.CASES) })).toBeGreaterThanOrEqual(1);
    expect(
      value(m, 'messaging_events_consumed_total', { topic: Topics.CASES, type: 'CaseConfirmed' }),
    ).toBeGreaterThanOrEqual(1);
    const lag = await eventually('the lag gauge of the ops group', async () => {
      const s = await scrape(ops.url);
      return value(s.text, 'kafka_consumer_group_lag', { topic: Topics.CASES });
    });
    expect(lag).toBeGreaterThanOrEqual(0);

    // A request's log lines carry its correlation id: replaying the dead letter logs it.
    const correlationId = `corr-replay-${randomUUID()}`;
    const replay = await fetch(`${ops.url}/ops/dlq/${entry.id}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenFor('ops')}`, 'x-correlation-id': correlationId },
    });
    expect(replay.status).toBe(200);
    // Nest's static Logger writes through the logger of the app created last in this process, so
    // the line may be in either service's file (in production each service is its own process).
    const dir = dirname(ops.logFile);
    const lines = readdirSync(dir)
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
      .filter((l) => l.includes(correlationId))
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ correlationId, msg: 'dead letter replayed', entryId: entry.id }),
      ]),
    );
  }, 120_000);
});
