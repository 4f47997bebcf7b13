import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A personal self-report link's token: `<orderId>.<expiry, epoch seconds>.<HMAC-SHA256>` in
 * base64url, signed with CARE_SELF_REPORT_SECRET. It names only the order (no personal data), needs
 * no account, and stops working when the order ends, and at its expiry (the order's end plus a grace
 * period), unless the order was extended since: then at the new end plus the grace period.
 */
export function signSelfReport(orderId: string, expiresAt: Date, secret: string): string {
  const body = `${orderId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${body}.${mac(body, secret)}`;
}

/** The order id of a valid, unexpired token; null for anything else (never throws). */
export function verifySelfReport(token: string, now: Date, secret: string): string | null {
  const link = readSelfReport(token, secret);
  return link && link.expiresAt.getTime() > now.getTime() ? link.orderId : null;
}

/**
 * The order id and signed expiry of a token with a valid signature, expired or not (the caller
 * may honour an order extended since the link was made); null for anything else (never throws).
 */
export function readSelfReport(token: string, secret: string): { orderId: string; expiresAt: Date } | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [orderId, exp, sig] = parts;
  if (!/^[0-9a-f-]{36}$/.test(orderId) || !/^\d{1,12}$/.test(exp)) return null;
  const want = Buffer.from(mac(`${orderId}.${exp}`, secret));
  const got = Buffer.from(sig);
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  return { orderId, expiresAt: new Date(Number(exp) * 1000) };
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
