import { Channel } from '../domain/plan';
import { SendOutcome } from '../domain/retry';
import { smsSize, withoutDiacritics } from '../domain/sms';
import { Recipient } from '../infrastructure/delivery-store';
import { ChannelSender, OutgoingMessage } from './channel';
import { SignedWebhook } from './signed-webhook';

/** SMS through the gateway's webhook: {to, text, messageId}; the segment count is recorded. */
export class SmsWebhookSender implements ChannelSender {
  readonly channel: Channel = 'SMS';
  readonly enabled: boolean;

  private readonly hook?: SignedWebhook;

  constructor(
    private readonly o: { url: string; secret: string; ascii: boolean; timeoutMs: number; maxSockets: number },
  ) {
    this.enabled = o.url !== '';
    if (this.enabled) this.hook = new SignedWebhook(o.url, o.secret, o.timeoutMs, o.maxSockets);
  }

  addressOf(_personId: string, r: Recipient): string | null {
    return r.phone;
  }

  text(sms: string): string {
    return this.o.ascii ? withoutDiacritics(sms) : sms;
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const text = this.text(m.message.sms);
    const out = await this.hook!.post({ to: m.to, text, messageId: m.messageId });
    return out.ok ? { ok: true, segments: smsSize(text).segments } : out;
  }

  async close(): Promise<void> {}
}

/** Push through the check-in app provider's webhook, addressed by the app account id (personId). */
export class AppWebhookSender implements ChannelSender {
  readonly channel: Channel = 'APP';
  readonly enabled: boolean;

  private readonly hook?: SignedWebhook;

  constructor(o: { url: string; secret: string; timeoutMs: number; maxSockets: number }) {
    this.enabled = o.url !== '';
    if (this.enabled) this.hook = new SignedWebhook(o.url, o.secret, o.timeoutMs, o.maxSockets);
  }

  addressOf(personId: string): string | null {
    return personId;
  }

  send(m: OutgoingMessage): Promise<SendOutcome> {
    return this.hook!.post({ personId: m.to, title: m.message.subject, text: m.message.sms, messageId: m.messageId });
  }

  async close(): Promise<void> {}
}
