import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures exactly as each platform documents them, always over the raw bytes of the body and
 * compared in constant time.
 */
function safeEqual(expected: Buffer, actual: Buffer): boolean {
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Shopify: X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(secret, body)). */
export function verifyShopify(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return safeEqual(expected, Buffer.from(header.trim(), 'base64'));
}

/** WooCommerce: X-WC-Webhook-Signature = base64(HMAC-SHA256(secret, body)). */
export function verifyWooCommerce(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  return verifyShopify(rawBody, header, secret);
}

export const STRIPE_TOLERANCE_SECONDS = 300;

export type StripeVerification = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Stripe: Stripe-Signature "t=<unix>,v1=<hex>[,v1=<hex>...]"; expected = hex(HMAC-SHA256(secret, "<t>.<body>")).
 * Any v1 may match (secret rotation); a timestamp more than 300 s away from now is rejected (replays).
 */
export function verifyStripe(rawBody: Buffer, header: string | undefined, secret: string, now: Date): StripeVerification {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value as string);
  if (!timestamp || !/^\d+$/.test(timestamp) || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > STRIPE_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  const matches = signatures.some((signature) => /^[0-9a-f]+$/i.test(signature) && safeEqual(expected, Buffer.from(signature, 'hex')));
  return matches ? { ok: true } : { ok: false, reason: 'mismatch' };
}

export function signShopify(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function signStripe(rawBody: Buffer | string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}
