import { readFileSync } from 'node:fs';
import { createTransport, Transporter } from 'nodemailer';
import { Channel } from '../domain/plan';
import { SendOutcome } from '../domain/retry';
import { Recipient } from '../infrastructure/delivery-store';
import { ChannelSender, OutgoingMessage } from './channel';

/**
 * E-mail over SMTP (nodemailer, pooled connections): a plain-text and an HTML part, Message-ID
 * from the delivery id. SMTP 4xx and connection failures are tried again, 5xx refuse the message.
 * TLS: smtps:// from the start, or STARTTLS when offered (required with NOTIFY_SMTP_REQUIRE_TLS).
 */
export class SmtpSender implements ChannelSender {
  readonly channel: Channel = 'EMAIL';
  readonly enabled: boolean;
  private readonly transport?: Transporter;

  constructor(
    private readonly o: { url: string; from: string; requireTls: boolean; caFile: string; timeoutMs: number },
  ) {
    this.enabled = o.url !== '';
    if (!this.enabled) return;
    this.transport = createTransport({
      url: o.url,
      pool: true,
      maxConnections: 4,
      requireTLS: o.requireTls,
      connectionTimeout: o.timeoutMs,
      greetingTimeout: o.timeoutMs,
      socketTimeout: o.timeoutMs,
      tls: o.caFile ? { ca: readFileSync(o.caFile) } : undefined,
    } as Parameters<typeof createTransport>[0]);
  }

  addressOf(_personId: string, r: Recipient): string | null {
    return r.email;
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    try {
      await this.transport!.sendMail({
        from: this.o.from,
        to: m.to,
        subject: m.message.subject,
        text: m.message.text,
        html: m.message.html,
        messageId: `<${m.messageId}@notifications.cases>`,
      });
      return { ok: true };
    } catch (err) {
      const e = err as { responseCode?: number; code?: string };
      if (typeof e.responseCode === 'number')
        return { ok: false, permanent: e.responseCode >= 500, reason: `SMTP ${e.responseCode}` };
      // No SMTP answer: a connection, TLS or timeout problem is tried again; an unusable envelope is not.
      const code = e.code ?? 'error';
      return { ok: false, permanent: code === 'EENVELOPE', reason: `SMTP ${code}` };
    }
  }

  close(): Promise<void> {
    this.transport?.close();
    return Promise.resolve();
  }
}
