import { randomInt } from 'node:crypto';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { TracingService } from '../../apps/tracing/src/service';
import { NotifyHarness } from '../support/notify-harness';
import { eventually, startService, TestService } from '../support/services';

/**
 * The "done when", across the three services and the broker: a household contact declared
 * for a new case (with a phone and an e-mail address) is traced (tracing), ordered into quarantine
 * (quarantine), and receives the order by SMS and e-mail in Vietnamese from the cases service.
 */
describe('notifications end to end: a declared household contact is told of their quarantine', () => {
  const h = new NotifyHarness();
  let tracing: TestService;
  let quarantine: TestService;
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

  beforeAll(async () => {
    await h.open();
    h.setClock(new Date().toISOString()); // the real time: quarantine decides with its own clock
    [tracing, quarantine] = await Promise.all([
      startService(TracingService),
      startService(QuarantineService, {
        QUARANTINE_RELEASE_INTERVAL_SECONDS: '0',
        QUARANTINE_FACILITIES: JSON.stringify([
          { id: `fac-${digits(6)}`, name: 'Tam Ky', areaCode: '49', capacity: 100 },
        ]),
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([tracing?.close(), quarantine?.close()]);
    await h.close();
  });

  it('sends the quarantine order by SMS and e-mail, once each, within a minute', async () => {
    const f0 = await h.register();
    const now = Date.now();
    const c = await h.tracer('POST', '/cases', {
      personId: f0.personId,
      confirmedAt: new Date(now - 3600_000).toISOString(),
      testType: 'PCR',
    });
    expect(c.status).toBe(201);
    const email = `ho.gia.dinh.${digits(8)}@example.vn`;
    const declared = await h.tracer('POST', `/cases/${c.body.caseId}/contacts`, {
      kind: 'HOUSEHOLD',
      startedAt: new Date(now - 2 * 86_400_000).toISOString(),
      endedAt: new Date(now - 3600_000).toISOString(),
      person: { fullName: `Người Nhà ${digits(6)}`, phone: `03${digits(8)}`, email, areaCode: '49' },
    });
    expect(declared.status).toBe(201);
    const personId = declared.body.personId as string;
    const phone = (await h.tracer('GET', `/persons/${personId}`)).body.phone as string;

    const started = Date.now();
    const [sms] = await eventually(
      'the order by SMS',
      async () => (h.smsTo(phone).length > 0 ? h.smsTo(phone) : undefined),
      60_000,
    );
    const mail = await eventually('the order by e-mail', async () => h.smtp.mails.find((m) => m.to === email), 60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(sms.body.text).toMatch(
      /^Bạn là người tiếp xúc với ca bệnh COVID-19\. Cách ly .* từ ngày \d{2}\/\d{2}\/\d{4} đến hết ngày \d{2}\/\d{2}\/\d{4}\./,
    );
    expect(mail.subject).toBe('Quyết định cách ly y tế');
    expect(mail.html).toContain('<p>Kính gửi Anh/Chị,</p>');

    const list = await eventually('the order listed as sent', async () => {
      const items = (await h.tracer('GET', `/persons/${personId}/notifications`)).body.items as {
        template: string;
        channel: string;
        state: string;
      }[];
      const order = items.filter((i) => i.template === 'QUARANTINE_ORDERED');
      return order.length === 3 && order.every((i) => i.state === 'SENT') ? items : undefined;
    });
    expect(
      list
        .filter((i) => i.template === 'QUARANTINE_ORDERED')
        .map((i) => i.channel)
        .sort(),
    ).toEqual(['APP', 'EMAIL', 'SMS']);
    // Test reminders wait for the evening before each test.
    expect(list.filter((i) => i.template === 'TEST_REMINDER').every((i) => ['PENDING', 'SENT'].includes(i.state))).toBe(
      true,
    );
    expect(h.smsTo(phone).filter((r) => String(r.body.text).startsWith('Bạn là người tiếp xúc'))).toHaveLength(1);
  });
});
