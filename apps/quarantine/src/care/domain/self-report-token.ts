import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A personal self-report link's token: `<orderId>.<expiry, epoch seconds>.<HMAC-SHA256>` in
 * base64url, signed with CARE_SELF_REPORT_SECRET. It names only the order (no personal data), needs
 * no account, and stops working at its expiry (the order's end plus a grace period) or when the
 * order ends, whichever comes first.
 */
export function signSelfReport(orderId: string, expiresAt: Date, secret: string): string {
  const body = `${orderId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${body}.${mac(body, secret)}`;
}

/** The order id of a valid, unexpired token; null for anything else (never throws). */
export function verifySelfReport(token: string, now: Date, secret: string): string | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [orderId, exp, sig] = parts;
  if (!/^[0-9a-f-]{36}$/.test(orderId) || !/^\d{1,12}$/.test(exp)) return null;
  const want = Buffer.from(mac(`${orderId}.${exp}`, secret));
  const got = Buffer.from(sig);
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  return Number(exp) * 1000 > now.getTime() ? orderId : null;
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
