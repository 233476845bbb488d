import { purchasesRepository } from './purchases.context';

/**
 * What other services may read about purchases, in-process and read-only (declared in purchases' service.ts with
 * read access): the referral service judges a friend's first purchase by it, and the testimonials service scores
 * case-study candidates by a customer's purchase history. The purchases table stays the purchases service's; this
 * module is the only way in.
 */
export interface OrderStanding {
  readonly amountMinor: number;
  readonly refundedMinor: number;
  readonly currency: string;
  readonly occurredAt: string;
}

/** An order as it stands now: its amount and everything refunded so far (a refund may be recorded before its event arrives). */
export async function orderStanding(storeId: string, orderId: string): Promise<OrderStanding | undefined> {
  const found = await purchasesRepository().getPurchase(storeId, orderId);
  if (!found) return undefined;
  const { purchase } = found;
  return { amountMinor: purchase.amountMinor, refundedMinor: purchase.refundedMinor, currency: purchase.currency, occurredAt: purchase.occurredAt };
}

/** Whether the customer made a purchase, other than `exceptOrder`, that occurred before `before`. */
export async function purchasedBefore(customerId: string, before: string, exceptOrder?: { storeId: string; orderId: string }): Promise<boolean> {
  const oldest = await purchasesRepository().oldestCustomerPurchases(customerId, 3);
  return oldest.some((purchase) => purchase.occurredAt < before && !(exceptOrder && purchase.storeId === exceptOrder.storeId && purchase.orderId === exceptOrder.orderId));
}

export interface CustomerPurchaseSummary {
  readonly orders: number;
  /** What the orders came to, per currency, in integer minor units (before refunds: net is spend − refunded). */
  readonly spendMinor: Record<string, number>;
  /** What was refunded of them, per currency, in integer minor units. */
  readonly refundedMinor: Record<string, number>;
  /** When the earliest and latest orders occurred (the storefront's time). */
  readonly firstPurchaseAt?: string;
  readonly lastPurchaseAt?: string;
  /** When the latest refund was recorded (refunds carry no time of the storefront's own; this is when we recorded it). */
  readonly lastRefundAt?: string;
}

/** Refunded orders' refunds are read this many orders at a time. */
const REFUND_READS = 8;

/**
 * A customer's purchases summed up, across stores: every purchase from the customer index, page by page, and the refund
 * items of the orders that were refunded (the purchase keeps only its refunded total, not when). The index is
 * eventually consistent: a purchase or refund recorded in the last second may be missing.
 */
export async function customerPurchaseSummary(customerId: string): Promise<CustomerPurchaseSummary> {
  const repository = purchasesRepository();
  const spendMinor: Record<string, number> = {};
  const refundedMinor: Record<string, number> = {};
  const refunded: { storeId: string; orderId: string }[] = [];
  let orders = 0;
  let firstPurchaseAt: string | undefined;
  let lastPurchaseAt: string | undefined;
  let cursor: string | undefined;
  do {
    const page = await repository.listCustomerPurchases({ customerId, limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
    for (const purchase of page.items) {
      orders++;
      spendMinor[purchase.currency] = (spendMinor[purchase.currency] ?? 0) + purchase.amountMinor;
      if (purchase.refundedMinor > 0) {
        refundedMinor[purchase.currency] = (refundedMinor[purchase.currency] ?? 0) + purchase.refundedMinor;
        refunded.push({ storeId: purchase.storeId, orderId: purchase.orderId });
      }
      firstPurchaseAt = earlier(firstPurchaseAt, purchase.occurredAt);
      lastPurchaseAt = later(lastPurchaseAt, purchase.occurredAt);
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  let lastRefundAt: string | undefined;
  for (let start = 0; start < refunded.length; start += REFUND_READS) {
    const batches = await Promise.all(refunded.slice(start, start + REFUND_READS).map((order) => repository.refundsOf(order.storeId, order.orderId)));
    for (const refund of batches.flat()) lastRefundAt = later(lastRefundAt, refund.createdAt);
  }
  return {
    orders,
    spendMinor,
    refundedMinor,
    ...(firstPurchaseAt !== undefined ? { firstPurchaseAt } : {}),
    ...(lastPurchaseAt !== undefined ? { lastPurchaseAt } : {}),
    ...(lastRefundAt !== undefined ? { lastRefundAt } : {}),
  };
}

// Compared as instants rather than as text, whatever offset a stored time carries.
function earlier(current: string | undefined, candidate: string): string {
  return current === undefined || Date.parse(candidate) < Date.parse(current) ? candidate : current;
}

function later(current: string | undefined, candidate: string): string {
  return current === undefined || Date.parse(candidate) > Date.parse(current) ? candidate : current;
}
