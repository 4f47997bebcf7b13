import { EventPublisher } from '@ct/messaging';
import { randomInt, randomUUID } from 'node:crypto';
import { NotifyHarness } from '../../../../test/support/notify-harness';
import { eventually, http, tokenFor } from '../../../../test/support/services';

/**
 * Notifications end to end on the real broker and database, local HTTP gateways and a real SMTP
 * server: person fields, a quarantine order and its release once per channel whatever the
 * redeliveries, a 4xx, opt-out. (Outages, restarts, reminders, quiet hours: notification-delivery.int-spec.ts.)
 */
describe('notifications (cases)', () => {
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  const h = new NotifyHarness();
  beforeAll(() => h.open());
  afterAll(() => h.close());

  it('validates email and language on persons, naming the field, also in a declared contact', async () => {
    const bad = await h.tracer('POST', '/persons', {
      fullName: 'Sai Dữ Liệu',
      areaCode: '49',
      email: 'no-at-sign',
      language: 'fr',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['email', 'language']);
    const p = await h.register({ language: 'en' });
    const got = await h.tracer('GET', `/persons/${p.personId}`);
    expect(got.body).toMatchObject({ email: p.email, language: 'en' });
    const patched = await h.tracer('PATCH', `/persons/${p.personId}`, { language: 'vi', email: null });
    expect(patched.body).toMatchObject({ email: null, language: 'vi' });
    const c = await h.tracer('POST', '/cases', {
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
    const refused = await h.tracer('POST', `/cases/${c.body.caseId}/contacts`, contact);
    expect(refused.status).toBe(400);
    expect(refused.body.details.map((d: { field: string }) => d.field)).toEqual(['person.email']);
    const ok = await h.tracer('POST', `/cases/${c.body.caseId}/contacts`, {
      ...contact,
      person: { ...contact.person, email: `nha.mot.${digits(8)}@example.vn` },
    });
    expect(ok.status).toBe(201);
    expect((await h.tracer('GET', `/persons/${ok.body.personId}`)).body.language).toBe('en');
  });

  it('a quarantine order goes out once by SMS, e-mail and push, in Vietnamese; a redelivery sends nothing more; the release follows', async () => {
    const p = await h.register();
    const e = await h.order(p.personId);
    await eventually(
      'three deliveries sent',
      async () => (await h.rows(p.personId)).filter((r) => r.state === 'SENT').length === 3,
    );
    await h.cases.app.get(EventPublisher).publish([e]); // the same event again (same id): the inbox skips it
    await h.order(p.personId, { quarantineId: e.payload.quarantineId }); // and once more under a new event id

    const [text] = h.smsTo(p.phone).map((r) => r.body.text as string);
    expect(text).toContain('Cách ly tại nhà từ ngày 05/12/2021 đến hết ngày 18/12/2021');
    expect(text).toContain('Xét nghiệm: ngày 05/12/2021, ngày 11/12/2021, ngày 18/12/2021');
    const mail = await eventually('the e-mail', async () => h.smtp.mails.find((m) => m.to === p.email));
    expect(mail.subject).toBe('Quyết định cách ly y tế');
    expect(mail.text).toContain('cách ly y tế tại nhà từ ngày 05/12/2021');
    expect(mail.html).toContain('<p>Kính gửi Anh/Chị,</p>');
    expect(h.app.requests.filter((r) => r.body.personId === p.personId)[0].body).toMatchObject({
      title: 'Quyết định cách ly y tế',
    });

    await h.publish('QuarantineEnded', {
      quarantineId: e.payload.quarantineId,
      personId: p.personId,
      endedAt: '2021-12-05T03:10:00Z',
      reason: 'COMPLETED',
    });
    // The order re-sent under a new event id is a new event: told again (3); the redelivered one, on the
    // same partition before it, is not. Then the release (3).
    await eventually(
      'the re-sent order and the release',
      async () =>
        (await h.rows(p.personId)).length === 9 && (await h.rows(p.personId)).every((r) => r.state === 'SENT'),
    );
    const texts = h.smsTo(p.phone).map((r) => r.body.text as string);
    expect(texts.filter((t) => t.includes('Bạn đã hoàn thành cách ly ngày 05/12/2021'))).toHaveLength(1);
    expect(texts).toHaveLength(3);
    for (const [, times] of h.sms.accepted) expect(times).toHaveLength(1);

    const list = await h.tracer('GET', `/persons/${p.personId}/notifications`);
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
    for (const i of list.body.items) expect(i.segments).toEqual(i.channel === 'SMS' ? expect.any(Number) : null);
    expect(list.body.items.find((i: { channel: string }) => i.channel === 'SMS').segments).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(list.body)).not.toContain(p.phone.slice(-8));
    expect((await http(h.cases.url, 'GET', `/persons/${p.personId}/notifications`, { role: 'ops' })).status).toBe(403);
  });

  it('a 4xx is a permanent failure with the reason; opt-out per channel; preferences validated', async () => {
    const p = await h.register();
    h.sms.answer = (b) => (b.to === p.phone ? 400 : 200);
    await h.order(p.personId);
    await eventually('the SMS refused', async () =>
      (await h.rows(p.personId)).find((r) => r.channel === 'SMS' && r.state === 'FAILED'),
    );
    expect((await h.rows(p.personId)).find((r) => r.channel === 'SMS')).toMatchObject({
      state: 'FAILED',
      attempts: 1,
      reason: 'HTTP 400',
    });
    h.sms.answer = () => 200;

    const q = await h.register();
    expect(
      (await h.tracer('PUT', `/persons/${q.personId}/notification-preferences`, { sms: 'no' })).body.details,
    ).toEqual([{ field: 'sms', problems: [expect.any(String)] }]);
    expect((await h.tracer('PUT', '/persons/nobody-here/notification-preferences', { sms: false })).status).toBe(404);
    const put = await h.tracer('PUT', `/persons/${q.personId}/notification-preferences`, { sms: false, app: false });
    expect(put.body).toEqual({ personId: q.personId, sms: false, email: true, app: false });
    expect((await h.tracer('GET', `/persons/${q.personId}/notification-preferences`)).body).toEqual(put.body);
    await h.order(q.personId);
    await eventually('the e-mail only', async () => (await h.rows(q.personId)).some((r) => r.state === 'SENT'));
    expect((await h.rows(q.personId)).map((r) => r.channel)).toEqual(['EMAIL']);
  });

  it("is area-scoped: another area's tracer gets 404 on the person's notifications and preferences", async () => {
    const p = await h.register(); // registered in province 49
    const hoiAn = tokenFor('tracer', 'tracer-503-notify', ['503']); // a district: does not cover the province
    const quangNam = tokenFor('tracer', 'tracer-49-notify', ['49']);
    const as = (token: string, method: string, path: string, body?: unknown) =>
      http(h.cases.url, method, path, { token, body });
    expect((await as(hoiAn, 'GET', `/persons/${p.personId}/notifications`)).status).toBe(404);
    expect((await as(hoiAn, 'GET', `/persons/${p.personId}/notification-preferences`)).status).toBe(404);
    expect((await as(hoiAn, 'PUT', `/persons/${p.personId}/notification-preferences`, { sms: false })).status).toBe(
      404,
    );
    expect((await as(quangNam, 'GET', `/persons/${p.personId}/notifications`)).status).toBe(200);
    expect((await as(quangNam, 'GET', `/persons/${p.personId}/notification-preferences`)).body).toEqual({
      personId: p.personId,
      sms: true,
      email: true,
      app: true,
    });
  });

  it("GET /notifications/summary: the last hour's figures per channel and the latest failures, area-scoped, no addresses", async () => {
    const p = await h.register(); // province 49
    h.sms.answer = (b) => (b.to === p.phone ? 400 : 200);
    await h.order(p.personId);
    const failed = await eventually('the SMS refused', async () =>
      (await h.rows(p.personId)).find((r) => r.channel === 'SMS' && r.state === 'FAILED'),
    );
    await eventually('e-mail and push sent', async () =>
      (await h.rows(p.personId)).filter((r) => r.state === 'SENT').length === 2 ? true : undefined,
    );
    h.sms.answer = () => 200;

    const ops = await http(h.cases.url, 'GET', '/notifications/summary', { role: 'ops' });
    expect(ops.status).toBe(200);
    expect(Object.keys(ops.body.channels).sort()).toEqual(['APP', 'EMAIL', 'SMS']);
    expect(ops.body.channels.SMS.failed).toBeGreaterThanOrEqual(1);
    expect(ops.body.channels.EMAIL.sent).toBeGreaterThanOrEqual(1);
    expect(ops.body.channels.APP).toEqual({
      sent: expect.any(Number),
      failed: expect.any(Number),
      retrying: expect.any(Number),
      pending: expect.any(Number),
    });
    expect(Date.parse(ops.body.to) - Date.parse(ops.body.from)).toBe(3_600_000);
    const mine = ops.body.failures.find((f: { notificationId: string }) => f.notificationId === failed.id);
    expect(mine).toEqual({
      notificationId: failed.id,
      channel: 'SMS',
      template: 'QUARANTINE_ORDERED',
      reason: 'HTTP 400',
      attempts: 1,
      failedAt: expect.any(String),
    });
    const text = JSON.stringify(ops.body);
    for (const secret of [p.phone.slice(-8), p.email, p.personId]) expect(text).not.toContain(secret);

    const quangNam = tokenFor('tracer', 'tracer-49-summary', ['49']);
    const own = await http(h.cases.url, 'GET', '/notifications/summary', { token: quangNam });
    expect(own.body.failures.find((f: { notificationId: string }) => f.notificationId === failed.id)).toMatchObject({
      personId: p.personId,
      reason: 'HTTP 400',
    });
    // Another area, where no test registers people with contact addresses (other files notify people of
    // 502 and 503 in the same hour and database).
    const dienThangBac = tokenFor('tracer', 'tracer-20575-summary', ['20575']);
    const other = await http(h.cases.url, 'GET', '/notifications/summary', { token: dienThangBac });
    expect(other.status).toBe(200);
    expect(other.body.failures).toEqual([]);
    for (const c of ['SMS', 'EMAIL', 'APP'])
      expect(other.body.channels[c]).toEqual({ sent: 0, failed: 0, retrying: 0, pending: 0 });
    expect((await http(h.cases.url, 'GET', '/notifications/summary', { role: 'quarantine' })).status).toBe(403);
    expect((await http(h.cases.url, 'GET', '/notifications/summary')).status).toBe(401);
  });

  it('a case is told its isolation order (care.v1) by every channel and then its release, once each', async () => {
    const p = await h.register();
    const isolationId = randomUUID();
    const base = {
      isolationId,
      personId: p.personId,
      caseId: randomUUID(),
      areaCode: '49',
      kind: 'TREATMENT_FACILITY' as const,
      facilityId: 'bv-da-chien-hoi-an',
    };
    const ordered = await h.publish('IsolationOrdered', {
      ...base,
      needsBed: false,
      firstDay: '2021-12-04',
      plannedEndOn: '2021-12-14',
      testDays: [7, 10],
      fromQuarantineId: null,
      orderedAt: '2021-12-05T03:00:00Z',
    });
    await eventually('the order sent by 3 channels', async () =>
      (await h.rows(p.personId)).filter((r) => r.state === 'SENT').length === 3 ? true : undefined,
    );
    await h.cases.app.get(EventPublisher).publish([ordered]); // redelivered: nothing more
    expect(h.smsTo(p.phone)[0].body.text).toContain(
      'Cách ly điều trị tại cơ sở điều trị bv-da-chien-hoi-an từ ngày 04/12/2021, dự kiến đến hết ngày 14/12/2021',
    );
    const mail = await eventually('the e-mail', async () => h.smtp.mails.find((m) => m.to === p.email));
    expect(mail.subject).toBe('Quyết định cách ly điều trị COVID-19');
    await h.publish('IsolationEnded', {
      ...base,
      reason: 'RELEASED',
      releaseTestId: randomUUID(),
      endedAt: '2021-12-05T03:10:00Z',
    });
    await eventually('order and release, 3 each', async () => {
      const rows = await h.rows(p.personId);
      return rows.length === 6 && rows.every((r) => r.state === 'SENT') ? rows : undefined;
    });
    const texts = h.smsTo(p.phone).map((r) => r.body.text as string);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain('Bạn đã hoàn thành cách ly điều trị ngày 05/12/2021');
  });
});
