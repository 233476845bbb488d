import { IDENTIFIER_PATTERN } from '../../../shared/domain/identifiers';

/** What a webhook asks of us, platform-neutral. Amounts are major-unit decimal strings in the order's currency. */
export type WebhookAction =
  | {
      kind: 'purchase';
      orderId: string;
      customerId: string;
      email?: string;
      amount: string;
      currency: string;
      items: { sku?: string; quantity: number; unitPrice?: string }[];
      occurredAt?: string;
      referralCode?: string;
      channel: string;
    }
  | { kind: 'refund'; orderId: string; refundId: string; amount: string; reason?: string }
  /** Refund what remains refundable, or, with `upToMinor`, up to that cumulative refunded total (Stripe). */
  | { kind: 'refund-remaining'; orderId: string; refundId: string; reason: string; upToMinor?: number }
  | { kind: 'erase'; customerId: string }
  | { kind: 'ignore'; note: string }
  /** The delivery lacks what it must carry (an order id): answered 400 naming the field, and nothing is recorded. */
  | { kind: 'reject'; pointer: string; detail: string };

export type WebhookPlatform = 'shopify' | 'stripe' | 'woocommerce';

/**
 * The purchase id of a webhook-fed order: the platform's own id namespaced by platform (`shopify:6002`,
 * `woocommerce:6002`, `stripe:pi_…`), so orders of different platforms in one store never collide. Ids arrive as
 * exact decimal text (see the lossless parsing in webhook.runtime) or strings; anything else is no id.
 */
export function platformOrderId(platform: WebhookPlatform, id: unknown): string | undefined {
  const text = idText(id);
  return text === undefined ? undefined : `${platform}:${text}`;
}

/** A platform id as text: strings as sent, integers as their exact digits. */
export function idText(id: unknown): string | undefined {
  if (typeof id === 'string' && id.trim() !== '') return id.trim();
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  if (typeof id === 'bigint') return id.toString();
  return undefined;
}

/** Exact sum of decimal amounts ("0.10" + "0.20" + "0.05" = "0.35"), without floating point. */
export function addDecimals(values: readonly string[]): string {
  const scale = Math.max(0, ...values.map((value) => (value.split('.')[1] ?? '').length));
  const total = values.reduce((sum, value) => {
    const [whole = '0', fraction = ''] = value.split('.');
    return sum + BigInt(whole + fraction.padEnd(scale, '0'));
  }, 0n);
  const digits = total.toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * A guest checkout has no customer id: the normalized email (trimmed, lower case) is the customer's identity, so
 * a guest's purchases still meet under one customer. With neither, nothing can be awarded.
 */
export function customerIdentity(customerId: unknown, email: unknown): { customerId: string; email?: string } | undefined {
  const normalizedEmail = typeof email === 'string' && email.includes('@') ? email.trim().toLowerCase() : undefined;
  const id = idText(customerId);
  if (id !== undefined && id !== '0' && IDENTIFIER_PATTERN.test(id)) return { customerId: id, ...(normalizedEmail ? { email: normalizedEmail } : {}) };
  if (normalizedEmail && IDENTIFIER_PATTERN.test(normalizedEmail)) return { customerId: normalizedEmail, email: normalizedEmail };
  return undefined;
}

/** A timestamp as ISO with a zone; platforms that send none (WooCommerce's *_gmt fields) mean UTC. */
export function isoTime(value: unknown, assumeUtc = false): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const text = assumeUtc && !/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? `${value}Z` : value;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

export function decimalText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return value.trim();
  return undefined;
}

/** Line items as Shopify and WooCommerce send them (sku, quantity, price). */
export function lineItemsOf(value: unknown): { sku?: string; quantity: number; unitPrice?: string }[] {
  const items = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
  return items.map((item) => ({
    ...(typeof item.sku === 'string' && item.sku ? { sku: item.sku.slice(0, 128) } : {}),
    quantity: Number(item.quantity) > 0 ? Math.floor(Number(item.quantity)) : 1,
    ...(decimalText(item.price) ? { unitPrice: decimalText(item.price) } : {}),
  }));
}
