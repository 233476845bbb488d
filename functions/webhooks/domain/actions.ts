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
  | { kind: 'ignore'; note: string };

/**
 * A guest checkout has no customer id: the normalized email (trimmed, lower case) is the customer's identity, so
 * a guest's purchases still meet under one customer. With neither, nothing can be awarded.
 */
export function customerIdentity(customerId: unknown, email: unknown): { customerId: string; email?: string } | undefined {
  const normalizedEmail = typeof email === 'string' && email.includes('@') ? email.trim().toLowerCase() : undefined;
  if ((typeof customerId === 'string' || typeof customerId === 'number') && String(customerId) !== '' && String(customerId) !== '0' && customerId !== null) {
    const id = String(customerId);
    if (IDENTIFIER_PATTERN.test(id)) return { customerId: id, ...(normalizedEmail ? { email: normalizedEmail } : {}) };
  }
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
