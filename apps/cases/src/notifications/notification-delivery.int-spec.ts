import { randomUUID } from 'node:crypto';
import { NotifyHarness } from '../../../../test/support/notify-harness';
import { startSmtpServer } from '../../../../test/support/notify-gateways';
import { eventually, http } from '../../../../test/support/services';

/**
 * Delivery guarantees of the notifier: a gateway and an SMTP server down while the service restarts
 * lose and duplicate nothing; reminders, quiet hours and cancellations follow the injected clock;
 * retries end after 24 hours.
 */
describe('notification delivery (cases)', () => {
  const h = new NotifyHarness();
  beforeAll(() => h.open());
  afterAll(() => h.close());

  it('a gateway and an SMTP server down, and a restart of the service meanwhile, lose and duplicate nothing', async () => {
    const people = await Promise.all(Array.from({ length: 12 }, () => h.register()));
    const phones = new Set(people.map((p) => p.phone));
    h.sms.answer = (b) => (phones.has(String(b.to)) ? 503 : 200);
    const smtpPort = h.smtp.port;
    await h.smtp.close();
    for (const p of people) await h.order(p.personId);
    const ids = people.map((p) => p.personId);
    const retrying = async () =>
      (
        await h.pg.query(
          `SELECT count(*)::int AS n FROM cases.notification_deliveries WHERE person_id = ANY($1) AND channel <> 'APP' AND state = 'RETRYING' AND attempts >= 2`,
          [ids],
        )
      ).rows[0].n as number;
    await eventually('every SMS and e-mail retried twice', async () => (await retrying()) === 24, 30_000);
    const metrics = await http(h.cases.url, 'GET', '/metrics', { role: 'ops' });
    expect(metrics.body).toMatch(/notifications_total\{[^}]*channel="SMS"[^}]*outcome="retrying"[^}]*\} [1-9]/);
    expect(metrics.body).toMatch(/notifications_total\{[^}]*channel="EMAIL"[^}]*outcome="retrying"[^}]*\} [1-9]/);

    await h.cases.close(); // mid-way: the messages are still to be sent
    h.cases = await h.start();
    h.smtp = await startSmtpServer(smtpPort);
    h.sms.answer = () => 200;
    await eventually(
      'all sent after the outage',
      async () =>
        (
          await h.pg.query(
            `SELECT count(*)::int AS n FROM cases.notification_deliveries WHERE person_id = ANY($1) AND state = 'SENT'`,
            [ids],
          )
        ).rows[0].n === 36,
      60_000,
    );
    for (const p of people) {
      expect(h.smsTo(p.phone)).toHaveLength(1);
      expect(h.smtp.mails.filter((m) => m.to === p.email)).toHaveLength(1);
    }
    const refused = h.sms.requests.filter((r) => r.status === 503).length;
    expect(refused).toBeGreaterThanOrEqual(24);
    for (const [, times] of h.sms.accepted) expect(times).toHaveLength(1);
    expect(new Set(h.smtp.mails.map((m) => m.messageId)).size).toBe(h.smtp.mails.length);
  });

  it('a test reminder goes the evening before; quiet hours hold a non-urgent SMS until morning; an ended quarantine cancels its reminders', async () => {
    const p = await h.register();
    const quarantineId = randomUUID();
    const test = (dueOn: string) =>
      h.publish('TestScheduled', {
        testId: randomUUID(),
        personId: p.personId,
        quarantineId,
        dueOn,
        day: 1,
        scheduledAt: '2021-12-05T03:00:00Z',
      });
    await test('2021-12-06');
    await test('2021-12-09');
    await eventually('six reminders planned', async () => (await h.rows(p.personId)).length === 6);
    const due = (await h.rows(p.personId)).map((r) => (r.due_at as Date).toISOString());
    expect(new Set(due)).toEqual(new Set(['2021-12-05T12:00:00.000Z', '2021-12-08T12:00:00.000Z'])); // 19:00 local
    h.setClock('2021-12-05T12:00:01Z');
    await eventually(
      'the first reminders sent',
      async () => (await h.rows(p.personId)).filter((r) => r.state === 'SENT').length === 3,
    );
    expect(h.smsTo(p.phone).map((r) => r.body.text)).toEqual([expect.stringContaining('ngày mai, ngày 06/12/2021')]);

    h.setClock('2021-12-05T15:00:00Z'); // 22:00 local
    await h.publish('TestResultRecorded', {
      testId: randomUUID(),
      personId: p.personId,
      quarantineId,
      result: 'NEGATIVE',
      testType: 'PCR',
      purpose: 'QUARANTINE',
      sampleTakenAt: '2021-12-05T02:00:00Z',
      recordedAt: '2021-12-05T14:00:00Z',
    });
    await eventually(
      'the result by e-mail and push',
      async () =>
        (await h.rows(p.personId)).filter((r) => r.template === 'TEST_RESULT_NEGATIVE' && r.state === 'SENT').length ===
        2,
    );
    const held = (await h.rows(p.personId)).find((r) => r.template === 'TEST_RESULT_NEGATIVE' && r.channel === 'SMS');
    expect(held).toMatchObject({ state: 'PENDING', due_at: new Date('2021-12-06T00:00:00Z') }); // 07:00 local

    await h.publish('QuarantineEnded', {
      quarantineId,
      personId: p.personId,
      endedAt: '2021-12-05T15:00:00Z',
      reason: 'CANCELLED',
    });
    await eventually(
      'the reminders cancelled',
      async () =>
        (await h.rows(p.personId)).filter((r) => r.template === 'TEST_REMINDER' && r.state === 'CANCELLED').length ===
        3,
    );
    h.setClock('2021-12-06T00:00:01Z');
    await eventually(
      'the held SMS sent in the morning',
      async () => (await h.rows(p.personId)).filter((r) => r.channel === 'SMS' && r.state === 'SENT').length === 3,
    );
    const texts = h.smsTo(p.phone).map((r) => r.body.text as string);
    expect(texts).toHaveLength(3);
    // Both held until 07:00 (non-urgent), then sent together.
    expect(texts.slice(1)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ÂM TÍNH/),
        expect.stringMatching(/đã được hủy ngày 05\/12\/2021/),
      ]),
    );
  });

  it('a message not accepted within 24 hours of its first attempt has failed for good', async () => {
    const p = await h.register();
    h.sms.answer = (b) => (b.to === p.phone ? 503 : 200);
    await h.order(p.personId);
    await eventually('retrying', async () =>
      (await h.rows(p.personId)).find((r) => r.channel === 'SMS' && r.state === 'RETRYING'),
    );
    h.setClock('2021-12-07T04:00:00Z');
    const failed = await eventually('given up', async () =>
      (await h.rows(p.personId)).find((r) => r.channel === 'SMS' && r.state === 'FAILED'),
    );
    expect(failed.reason).toMatch(/^gave up after \d+ attempts: HTTP 503$/);
    h.sms.answer = () => 200;
  });
});
