import { createHmac } from 'node:crypto';
import { SendOutcome } from '../domain/retry';

/** Header of the body's HMAC-SHA256 ("sha256=<hex>", key = the channel's secret). */
export const SIGNATURE_HEADER = 'x-notify-signature';

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs a JSON body signed with `secret`. 2xx = accepted; 408, 429 and 5xx, timeouts and
 * connection errors = try again later; any other 4xx = the gateway refuses this message for good.
 * Reasons name the status or error code only (a gateway's answer may repeat the recipient).
 */
export async function postSigned(
  url: string,
  secret: string,
  payload: Record<string, unknown>,
  timeoutMs: number,
): Promise<SendOutcome> {
  const body = JSON.stringify(payload);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signature(secret, body),
        'idempotency-key': String(payload.messageId),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true };
    const reason = `HTTP ${res.status}`;
    const transient = res.status >= 500 || res.status === 408 || res.status === 429;
    return { ok: false, permanent: !transient, reason };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason =
      e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `connection failed (${e.cause?.code ?? e.name})`;
    return { ok: false, permanent: false, reason };
  }
}
