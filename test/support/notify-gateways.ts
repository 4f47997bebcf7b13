import { simpleParser } from 'mailparser';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** What a test gateway answers: 200, or a status to refuse with (503 while "down", 400 for a bad number). */
export type GatewayAnswer = (body: Record<string, unknown>) => number;

export interface WebhookGateway {
  url: string;
  /** Every request that arrived, in order (accepted or not). */
  requests: { body: Record<string, unknown>; status: number; signed: boolean }[];
  /** Accepted messages by messageId: how many times each was accepted (exactly once is 1). */
  accepted: Map<string, Record<string, unknown>[]>;
  answer: GatewayAnswer;
  close(): Promise<void>;
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/**
 * A real local HTTP gateway like an SMS provider's or the check-in app provider's: checks the
 * HMAC-SHA256 signature of the body (a bad one is a 401), then answers what `answer` says.
 */
export async function startWebhookGateway(secret: string): Promise<WebhookGateway> {
  const gw = {
    requests: [],
    accepted: new Map(),
    answer: () => 200,
  } as unknown as WebhookGateway;
  const server: Server = createServer((req, res) => {
    void read(req).then((raw) => {
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-notify-signature'] ?? ''));
      const signed = given.length === expected.length && timingSafeEqual(given, expected);
      const body = JSON.parse(raw) as Record<string, unknown>;
      const status = signed ? gw.answer(body) : 401;
      gw.requests.push({ body, status, signed });
      if (status === 200) {
        const id = String(body.messageId);
        gw.accepted.set(id, [...(gw.accepted.get(id) ?? []), body]);
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  gw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  gw.close = () => new Promise<void>((r) => server.close(() => r()));
  return gw;
}

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

export interface SmtpTestServer {
  port: number;
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on a free or given port; each message is parsed with mailparser. */
export async function startSmtpServer(port = 0): Promise<SmtpTestServer> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((m) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: m.subject ?? '',
            text: m.text ?? '',
            html: typeof m.html === 'string' ? m.html : '',
            messageId: m.messageId ?? '',
          });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const bound = (server.server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `smtp://127.0.0.1:${bound}`,
    mails,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
