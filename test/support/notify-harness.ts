import { createEvent, EventPayloads, EventType } from '@ct/contracts';
import { EventPublisher } from '@ct/messaging';
import { randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CasesService } from '../../apps/cases/src/service';
import { systemClock } from '@ct/platform';
import { SmtpTestServer, startSmtpServer, startWebhookGateway, WebhookGateway } from './notify-gateways';
import { db, http, startService, TestService } from './services';

const realNow = systemClock.now;

/**
 * The cases service with its notifier wired to local gateways (SMS and app push webhooks, a real
 * SMTP server), fast retries, and its clock (ServiceClock, which reads systemClock) under the test's control.
 */
export class NotifyHarness {
  cases!: TestService;
  sms!: WebhookGateway;
  app!: WebhookGateway;
  smtp!: SmtpTestServer;
  pg!: Client;

  async open(): Promise<void> {
    this.setClock('2021-12-05T03:00:00Z'); // 10:00 local
    [this.sms, this.app, this.smtp] = await Promise.all([
      startWebhookGateway('sms-secret'),
      startWebhookGateway('app-secret'),
      startSmtpServer(),
    ]);
    this.cases = await this.start();
    this.pg = await db();
  }

  async close(): Promise<void> {
    systemClock.now = realNow;
    await Promise.all([this.cases?.close(), this.sms?.close(), this.app?.close(), this.smtp?.close(), this.pg?.end()]);
  }

  start(): Promise<TestService> {
    return startService(CasesService, {
      NOTIFY_SMS_WEBHOOK_URL: this.sms.url,
      NOTIFY_SMS_SECRET: 'sms-secret',
      NOTIFY_APP_WEBHOOK_URL: this.app.url,
      NOTIFY_APP_SECRET: 'app-secret',
      NOTIFY_SMTP_URL: this.smtp.url,
      NOTIFY_SMTP_FROM: 'Ban chỉ đạo <no-reply@test.local>',
      NOTIFY_RETRY_BASE_MS: '100',
      NOTIFY_RETRY_MAX_MS: '400',
      NOTIFY_DISPATCH_INTERVAL_MS: '100',
      NOTIFY_LEASE_SECONDS: '5',
      NOTIFY_SEND_TIMEOUT_MS: '2000',
    });
  }

  /** The service's clock set to an instant, running on from it. */
  setClock(iso: string): void {
    const offset = Date.parse(iso) - Date.now();
    systemClock.now = () => new Date(Date.now() + offset);
  }

  tracer(method: string, path: string, body?: unknown) {
    return http(this.cases.url, method, path, { role: 'tracer', body });
  }

  async publish<K extends EventType>(type: K, payload: EventPayloads[K]) {
    const e = createEvent(type, payload, { source: '/test' });
    await this.cases.app.get(EventPublisher).publish([e]);
    return e;
  }

  /** A registered person with a phone and an e-mail address (as stored: phone in E.164). */
  async register(extra: Record<string, unknown> = {}): Promise<{ personId: string; phone: string; email: string }> {
    const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
    const res = await this.tracer('POST', '/persons', {
      fullName: `Người Nhận ${digits(4)}`,
      phone: `09${digits(8)}`,
      email: `nguoi.nhan.${digits(8)}@example.vn`,
      areaCode: '49',
      ...extra,
    });
    if (res.status !== 201) throw new Error(`register answered ${res.status}`);
    return res.body as { personId: string; phone: string; email: string };
  }

  order(personId: string, over: Partial<EventPayloads['QuarantineOrdered']> = {}) {
    return this.publish('QuarantineOrdered', {
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
  }

  async rows(personId: string): Promise<Record<string, any>[]> {
    const res = await this.pg.query(
      'SELECT id, channel, template, state, attempts, reason, segments, due_at FROM cases.notification_deliveries WHERE person_id = $1 ORDER BY created_at, channel',
      [personId],
    );
    return res.rows;
  }

  /** SMS the gateway accepted for a phone number. */
  smsTo(phone: string) {
    return this.sms.requests.filter((r) => r.status === 200 && r.body.to === phone);
  }
}
