import { SERVICE_ENV } from '@ct/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NotifyEnv } from '../notify.config';
import { Channel } from '../domain/plan';
import { ChannelSender } from './channel';
import { SmtpSender } from './smtp.sender';
import { AppWebhookSender, SmsWebhookSender } from './webhook.senders';

/** The three channels, built from the environment; a channel without a URL is disabled (said at start). */
@Injectable()
export class Channels implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Notifications');
  readonly byChannel: Record<Channel, ChannelSender>;

  constructor(@Inject(SERVICE_ENV) env: NotifyEnv) {
    const timeoutMs = env.NOTIFY_SEND_TIMEOUT_MS;
    this.byChannel = {
      SMS: new SmsWebhookSender({
        url: env.NOTIFY_SMS_WEBHOOK_URL,
        secret: env.NOTIFY_SMS_SECRET,
        ascii: env.NOTIFY_SMS_ASCII === 'true',
        timeoutMs,
        maxSockets: env.NOTIFY_DISPATCH_CONCURRENCY,
      }),
      EMAIL: new SmtpSender({
        url: env.NOTIFY_SMTP_URL,
        from: env.NOTIFY_SMTP_FROM,
        requireTls: env.NOTIFY_SMTP_REQUIRE_TLS === 'true',
        caFile: env.NOTIFY_SMTP_CA_FILE,
        timeoutMs,
      }),
      APP: new AppWebhookSender({
        url: env.NOTIFY_APP_WEBHOOK_URL,
        secret: env.NOTIFY_APP_SECRET,
        timeoutMs,
        maxSockets: env.NOTIFY_DISPATCH_CONCURRENCY,
      }),
    };
  }

  get enabled(): ChannelSender[] {
    return Object.values(this.byChannel).filter((s) => s.enabled);
  }

  onApplicationBootstrap(): void {
    const off = Object.values(this.byChannel).filter((s) => !s.enabled);
    const on = this.enabled.map((s) => s.channel);
    this.log.log(
      `notification channels enabled: ${on.join(', ') || 'none'}` +
        (off.length ? `; disabled (no URL configured): ${off.map((s) => s.channel).join(', ')}` : ''),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(Object.values(this.byChannel).map((s) => s.close()));
  }
}
