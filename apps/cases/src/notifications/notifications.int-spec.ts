import { createEvent, EventPayloads, EventType } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  startSmtpServer,
  startWebhookGateway,
  SmtpTestServer,
  WebhookGateway,
} from '../../../../test/support/notify-gateways';
import { db, eventually, http, startService, TestService } from '../../../../test/support/services';
import { CasesService } from '../service';
import { systemClock } from '../shared/domain/clock';

/**
 * Notifications end to end on the real broker, database, local HTTP gateways and a real SMTP
 * server: events in, exactly one message per (event, channel, person) out, whatever the redeliveries,
 * outages and restarts; retries, permanent failures, opt-out, quarantine order → release.
 */
describe('notifications (cases)', () => {
  let cases: TestService;
  let sms: WebhookGateway;
  let app: WebhookGateway;
  let smtp: SmtpTestServer;
  let pg: Client;
  const realNow = systemClock.now;
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  const tracer = (method: string, path: string, body?: unknown) =>
    http(cases.url, method, path, { role: 'tracer', body });
  /** The service's injected clock (CASES_CLOCK): set to a local time, then running on from it. */
  const setClock = (iso: string) => {
    const offset = Date.parse(iso) - Date.now();
    systemClock.now = () => new Date(Date.now() + offset);
  };
  const start = () =>
    startService(CasesService, {
      NOTIFY_SMS_WEBHOOK_URL: sms.url,
      NOTIFY_SMS_SECRET: 'sms-secret',
      NOTIFY_APP_WEBHOOK_URL: app.url,
      NOTIFY_APP_SECRET: 'app-secret',
      NOTIFY_SMTP_URL: smtp.url,
      NOTIFY_SMTP_FROM: 'Ban chỉ đạo <no-reply@test.local>',
      NOTIFY_RETRY_BASE_MS: '100',
      NOTIFY_RETRY_MAX_MS: '400',
      NOTIFY_DISPATCH_INTERVAL_MS: '100',
      NOTIFY_LEASE_SECONDS: '5',
    });
  const publish = async <K extends EventType>(type: K, payload: EventPayloads[K]) => {
    const e = createEvent(type, payload, { source: '/test' });
    await cases.app.get(EventPublisher).publish([e]);
    return e;
  };
  const register = async (extra: Record<string, unknown> = {}) => {
    const res = await tracer('POST', '/persons', {
      fullName: `Người Nhận ${digits(4)}`,
      phone: `09${digits(8)}`,
      email: `nguoi.nhan.${digits(8)}@example.vn`,
      areaCode: '49',
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body as { personId: string; phone: string; email: string };
  };
  const order = (personId: string, over: Partial<EventPayloads['QuarantineOrdered']> = {}) =>
    publish('QuarantineOrdered', {
      quarantineId: randomUUID(),
      personId,
      kind: 'HOME',
      facilityId: null,
      dayZero: '2021-12-04',
      startsAt: '2021-12-04T17:30:00Z',
      endsAt: '2021-12-18T16:59:59Z',
      testDays: [1, 7, 14],
      sourceCaseId: randomUUID(),
      sourcePersonId: 'f0-person',
      degree: 1,
      orderedAt: '2021-12-05T03:00:00Z',
      needsFacility: false,
      ...over,
    });
  const rows = async (personId: string) =>
    (
      await pg.query(
        'SELECT id, channel, template, state, attempts, reason, segments, due_at FROM cases.notification_deliveries WHERE person_id = $1 ORDER BY created_at, channel',
        [personId],
      )
    ).rows;
  const smsTo = (phone: string) => sms.requests.filter((r) => r.status === 200 && r.body.to === phone);

  beforeAll(async () => {
    setClock('2021-12-05T03:00:00Z'); // 10:00 local
    [sms, app, smtp] = await Promise.all([
      startWebhookGateway('sms-secret'),
      startWebhookGateway('app-secret'),
      startSmtpServer(),
    ]);
    cases = await start();
    pg = await db();
  });

  afterAll(async () => {
    systemClock.now = realNow;
    await Promise.all([cases?.close(), sms?.close(), app?.close(), smtp?.close(), pg?.end()]);
  });

  it('validates email and language on persons, naming the field, also in a declared contact', async () => {
    const bad = await tracer('POST', '/persons', {
      fullName: 'Sai Dữ Liệu',
      areaCode: '49',
      email: 'no-at-sign',
      language: 'fr',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['email', 'language']);
    const p = await register({ language: 'en' });
    const got = await tracer('GET', `/persons/${p.personId}`);
    expect(got.body).toMatchObject({ email: p.email, language: 'en' });
    const patched = await tracer('PATCH', `/persons/${p.personId}`, { language: 'vi', email: null });
    expect(patched.body).toMatchObject({ email: null, language: 'vi' });
    const c = await tracer('POST', '/cases', {
      personId: p.personId,
      confirmedAt: '2021-12-04T08:00:00Z',
      testType: 'PCR',
    });
    expect(c.status).toBe(201);
    const contact = {
      kind: 'HOUSEHOLD',
      startedAt: '2021-12-01T00:00:00Z',
      endedAt: '2021-12-04T00:00:00Z',
      person: { fullName: 'Người Nhà Một', areaCode: '49', email: 'bad@', language: 'en' },
    };
    const refused = await tracer('POST', `/cases/${c.body.caseId}/contacts`, contact);
    expect(refused.status).toBe(400);
    expect(refused.body.details.map((d: { field: string }) => d.field)).toEqual(['person.email']);
    const ok = await tracer('POST', `/cases/${c.body.caseId}/contacts`, {
      ...contact,
      person: { ...contact.person, email: `nha.mot.${digits(8)}@example.vn` },
    });
    expect(ok.status).toBe(201);
    expect((await tracer('GET', `/persons/${ok.body.personId}`)).body.language).toBe('en');
  });

  it('a quarantine order goes out once by SMS, e-mail and push, in Vietnamese; a redelivery sends nothing more; the release follows', async () => {
    const p = await register();
    const e = await order(p.personId);
    await eventually(
      'three deliveries sent',
      async () => (await rows(p.personId)).filter((r) => r.state === 'SENT').length === 3,
    );
    await cases.app.get(EventPublisher).publish([e]); // the same event again (same id): the inbox skips it
    await order(p.personId, { quarantineId: e.payload.quarantineId }); // and once more under a new event id

    const [text] = smsTo(p.phone).map((r) => r.body.text as string);
    expect(text).toContain('Cách ly tại nhà từ ngày 05/12/2021 đến hết ngày 18/12/2021');
    expect(text).toContain('Xét nghiệm: ngày 05/12/2021, ngày 11/12/2021, ngày 18/12/2021');
    const mail = await eventually('the e-mail', async () => smtp.mails.find((m) => m.to === p.email));
    expect(mail.subject).toBe('Quyết định cách ly y tế');
    expect(mail.text).toContain('cách ly y tế tại nhà từ ngày 05/12/2021');
    expect(mail.html).toContain('<p>Kính gửi Anh/Chị,</p>');
    expect(app.requests.filter((r) => r.body.personId === p.personId)[0].body).toMatchObject({
      title: 'Quyết định cách ly y tế',
    });

    await publish('QuarantineEnded', {
      quarantineId: e.payload.quarantineId,
      personId: p.personId,
      endedAt: '2021-12-05T03:10:00Z',
      reason: 'COMPLETED',
    });
    await eventually(
      'six deliveries sent',
      async () => (await rows(p.personId)).filter((r) => r.state === 'SENT').length === 6,
    );
    // The order re-sent under a new event id is a new event: told again (3); the redelivered one is not.
    await eventually(
      'the re-sent order',
      async () => (await rows(p.personId)).length === 9 && (await rows(p.personId)).every((r) => r.state === 'SENT'),
    );
    const texts = smsTo(p.phone).map((r) => r.body.text as string);
    expect(texts.filter((t) => t.includes('Bạn đã hoàn thành cách ly ngày 05/12/2021'))).toHaveLength(1);
    expect(texts).toHaveLength(3);
    for (const [, times] of sms.accepted) expect(times).toHaveLength(1);

    const list = await tracer('GET', `/persons/${p.personId}/notifications`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(9);
    expect(list.body.items[0]).toEqual({
      notificationId: expect.any(String),
      eventId: expect.any(String),
      template: expect.stringMatching(/^QUARANTINE_/),
      channel: expect.stringMatching(/^(SMS|EMAIL|APP)$/),
      state: 'SENT',
      attempts: 1,
      reason: null,
      segments: list.body.items[0].channel === 'SMS' ? expect.any(Number) : null,
      createdAt: expect.any(String),
      dueAt: expect.any(String),
      doneAt: expect.any(String),
    });
    // Vietnamese with diacritics is UCS-2: 67 characters a segment once concatenated.
    for (const i of list.body.items) expect(i.segments).toBe(i.channel === 'SMS' ? expect.any(Number) : null);
    expect(list.body.items.find((i: { channel: string }) => i.channel === 'SMS').segments).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(list.body)).not.toContain(p.phone.slice(-8));
    expect((await http(cases.url, 'GET', `/persons/${p.personId}/notifications`, { role: 'ops' })).status).toBe(403);
  });
});
