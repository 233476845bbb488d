import * as z from 'zod';
import { parseItem } from '../../shared/aws/items';
import type { HeldRefund, Purchase, Refund } from './domain/purchase';

/**
 * The purchases table's items as stored, parsed (never cast) into the domain's types: an item that does not match
 * fails loudly naming its kind and field (CorruptItemError).
 */
const minor = z.number().int();
const lineItem = z.object({ sku: z.string().optional(), category: z.string().optional(), quantity: z.number().int(), unitPriceMinor: minor.optional() });

const purchaseItem = z.object({
  storeId: z.string(),
  orderId: z.string(),
  customerId: z.string(),
  email: z.string().optional(),
  amountMinor: minor,
  currency: z.string(),
  items: z.array(lineItem).optional(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  referralCode: z.string().optional(),
  channel: z.string().optional(),
  // Purchases recorded before refunds were tracked have no total yet.
  refundedMinor: minor.optional(),
  fingerprint: z.string(),
});

const refundItem = z.object({
  storeId: z.string(),
  orderId: z.string(),
  refundId: z.string(),
  amountMinor: minor,
  currency: z.string(),
  reason: z.string().optional(),
  createdAt: z.string(),
  fingerprint: z.string(),
});

const heldItem = z.object({
  held: z.object({
    storeId: z.string(),
    orderId: z.string(),
    refundId: z.string(),
    amount: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('amount'), amount: z.union([z.string(), z.number()]) }),
      z.object({ kind: z.literal('remaining'), upToMinor: minor.optional() }),
    ]),
    reason: z.string().optional(),
    receivedAt: z.string(),
    fingerprint: z.string(),
  }),
});

/** What the customer-purchase indexes project: the purchase as listings read it (not its outbox event). */
export const PURCHASE_LISTING_ATTRIBUTES: readonly string[] = Object.keys(purchaseItem.shape);

export function purchaseFromItem(item: unknown): Purchase {
  const parsed = parseItem(purchaseItem, item, 'purchase');
  return { ...parsed, items: parsed.items ?? [], refundedMinor: parsed.refundedMinor ?? 0 };
}

export function refundFromItem(item: unknown): Refund {
  return parseItem(refundItem, item, 'refund');
}

export function heldFromItem(item: unknown): HeldRefund {
  return parseItem(heldItem, item, 'held refund').held;
}

/** How many refunds an order not recorded yet holds (its placeholder's version). */
export function placeholderVersion(item: unknown): number {
  return parseItem(z.object({ heldVersion: z.number().int().nonnegative() }), item, 'held-refunds placeholder').heldVersion;
}
