import { createEvent, dlqTopic, toKafkaHeaders, Topics } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { TopicTap } from '@ct/messaging/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { TracingService } from '../../apps/tracing/src/service';
import { db, eventually, http, startService, tap, TestService } from '../support/services';

/**
 * The foundation's promise, across two services and the real broker: a case confirmed over HTTP
 * is stored, published through the outbox, consumed and recorded by tracing; redelivery has one
 * effect; a malformed message is dead-lettered while the next valid one is processed.
 */
describe('walking skeleton: cases → cases.v1 → tracing', () => {
  let cases: TestService;
  let tracing: TestService;
  let pg: Client;
  let topics: TopicTap;

  beforeAll(async () => {
    topics = await tap([Topics.CASES, dlqTopic(Topics.CASES)]);
    [cases, tracing] = await Promise.all([startService(CasesService), startService(TracingService)]);
    pg = await db();
  });

  afterAll(async () => {
    await Promise.all([cases?.close(), tracing?.close(), topics?.close(), pg?.end()]);
  });

  const tracedRow = (caseId: string) =>
    eventually(`tracing to record case ${caseId}`, async () => {
      const { rows } = await pg.query('SELECT * FROM tracing.traced_cases WHERE case_id = $1', [caseId]);
      return rows[0];
    });

  it('stores a confirmed case, publishes CaseConfirmed with CloudEvents headers, and tracing records it', async () => {
    const personId = `pc-${randomUUID()}`;
    const res = await http(cases.url, 'POST', '/cases', {
      role: 'tracer',
      body: {
        personId,
        confirmedAt: '2021-11-20T08:00:00Z',
        symptomOnsetAt: '2021-11-18T08:00:00Z',
        testType: 'PCR',
        areaCode: '49',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ personId, status: 'OPEN' });

    const [msg] = await topics.waitFor((m) => m.topic === Topics.CASES && m.key?.toString() === personId);
    const h = Object.fromEntries(Object.entries(msg.headers ?? {}).map(([k, v]) => [k, String(v)]));
    expect(h).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'CaseConfirmed',
      ce_source: '/cases',
      'content-type': 'application/json',
    });
    expect(h.ce_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(msg.value!.toString())).toMatchObject({
      caseId: res.body.caseId,
      personId,
      origin: 'INVESTIGATION',
    });

    const row = await tracedRow(res.body.caseId);
    expect(row).toMatchObject({ person_id: personId, area_code: '49', origin: 'INVESTIGATION' });
    expect(new Date(row.symptom_onset_at).toISOString()).toBe('2021-11-18T08:00:00.000Z');
  });

  it('rejects a second open case for the same person with 409', async () => {
    const personId = `pc-${randomUUID()}`;
    const body = { personId, confirmedAt: '2021-11-20T08:00:00Z', testType: 'PCR', areaCode: '49' };
    expect((await http(cases.url, 'POST', '/cases', { role: 'tracer', body })).status).toBe(201);
    const again = await http(cases.url, 'POST', '/cases', { role: 'tracer', body });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CASE.ALREADY_OPEN');
  });

  it('answers 400 naming every bad field, 401 without a token and 403 with the wrong role', async () => {
    const bad = await http(cases.url, 'POST', '/cases', {
      role: 'tracer',
      body: { personId: '', confirmedAt: 'yesterday', testType: 'BLOOD', areaCode: '49', extra: 1 },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['confirmedAt', 'extra', 'personId', 'testType']);

    const noToken = await http(cases.url, 'POST', '/cases', { body: {} });
    expect(noToken.status).toBe(401);
    const forged = await http(cases.url, 'POST', '/cases', { token: 'not.a.jwt', body: {} });
    expect(forged.status).toBe(401);
    const wrongRole = await http(cases.url, 'POST', '/cases', { role: 'feed', body: {} });
    expect(wrongRole.status).toBe(403);
    const health = await http(cases.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.checks).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up' } });
  });

  it('handles the same event delivered twice once, dead-letters a malformed message and still processes the next one', async () => {
    const publisher = tracing.app.get(EventPublisher);
    const personId = `pc-${randomUUID()}`;
    const event = createEvent(
      'CaseConfirmed',
      {
        caseId: randomUUID(),
        personId,
        confirmedAt: '2021-11-20T08:00:00.000Z',
        symptomOnsetAt: null,
        sampleTakenAt: null,
        testType: 'PCR',
        origin: 'SCREENING',
        areaCode: '49',
      },
      { source: '/test' },
    );
    await publisher.publish([event, event]);

    const poisonKey = `pc-${randomUUID()}`;
    await publisher.send([
      {
        topic: Topics.CASES,
        key: poisonKey,
        value: JSON.stringify({ caseId: 'x', personId: poisonKey, confirmedAt: 'not-a-date', testType: 'PCR' }),
        headers: toKafkaHeaders({ ...event.meta, id: randomUUID() }),
      },
    ]);
    const next = createEvent(
      'CaseConfirmed',
      { ...event.payload, caseId: randomUUID(), personId: `pc-${randomUUID()}` },
      { source: '/test' },
    );
    await publisher.publish([next]);

    await tracedRow(next.payload.caseId);
    await tracedRow(event.payload.caseId);
    const { rows } = await pg.query('SELECT count(*)::int AS n FROM tracing.inbox WHERE event_id = $1', [
      event.meta.id,
    ]);
    expect(rows[0].n).toBe(1);

    const [dead] = await topics.waitFor((m) => m.topic === dlqTopic(Topics.CASES) && m.key?.toString() === poisonKey);
    const h = Object.fromEntries(Object.entries(dead.headers ?? {}).map(([k, v]) => [k, String(v)]));
    expect(h.dlq_topic).toBe(Topics.CASES);
    expect(h.dlq_group).toBe('tracing');
    expect(h.ce_type).toBe('CaseConfirmed');
    const fields = JSON.parse(h.dlq_fields).map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['confirmedAt', 'areaCode', 'origin']));
    expect(h.dlq_reason).toMatch(/confirmedAt/);
  });
});
