import { createHmac } from 'node:crypto';
import { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SendOutcome } from '../domain/retry';

/** Header of the body's HMAC-SHA256 ("sha256=<hex>", key = the channel's secret). */
export const SIGNATURE_HEADER = 'x-notify-signature';

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs JSON bodies signed with `secret` to one gateway URL. 2xx = accepted; 408, 429 and 5xx,
 * timeouts and connection errors = try again later; any other 4xx = the gateway refuses this
 * message for good. Reasons name the status or error code only (a gateway's answer may repeat the
 * recipient). node:http with a keep-alive agent of `maxSockets` connections rather than fetch:
 * fetch cost ~0.8 ms of CPU a request, most of the dispatcher's time in `npm run bench:notify`.
 * Idle kept-alive connections do not hold the process (the agent unrefs them); requests in flight
 * at shutdown are let finish (the dispatcher records their outcome).
 */
export class SignedWebhook {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;

  constructor(
    url: string,
    private readonly secret: string,
    private readonly timeoutMs: number,
    maxSockets: number,
  ) {
    this.url = new URL(url);
    const tls = this.url.protocol === 'https:';
    this.agent = tls ? new HttpsAgent({ keepAlive: true, maxSockets }) : new HttpAgent({ keepAlive: true, maxSockets });
    this.request = tls ? httpsRequest : httpRequest;
  }

  post(payload: Record<string, unknown>): Promise<SendOutcome> {
    const body = JSON.stringify(payload);
    return new Promise((resolve) => {
      let settled = false;
      const finish = (out: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(out);
      };
      const timer = setTimeout(() => {
        finish({ ok: false, permanent: false, reason: `no answer within ${this.timeoutMs} ms` });
        req.destroy();
      }, this.timeoutMs);
      const req = this.request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            [SIGNATURE_HEADER]: signature(this.secret, body),
            'idempotency-key': String(payload.messageId),
          },
        },
        (res: IncomingMessage) => {
          const status = res.statusCode ?? 0;
          res.on('error', () => finish({ ok: false, permanent: false, reason: 'connection failed (response)' }));
          res.on('end', () => finish(outcomeOf(status)));
          res.resume();
        },
      );
      req.on('error', (err: Error & { code?: string }) =>
        finish({ ok: false, permanent: false, reason: `connection failed (${err.code ?? err.name})` }),
      );
      req.end(body);
    });
  }
}

function outcomeOf(status: number): SendOutcome {
  if (status >= 200 && status < 300) return { ok: true };
  const transient = status >= 500 || status === 408 || status === 429;
  return { ok: false, permanent: !transient, reason: `HTTP ${status}` };
}
