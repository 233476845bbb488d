import { purchasesRepository } from './purchases.context';

/**
 * What other services may read about purchases, in-process and read-only (declared in purchases' service.ts with
 * read access): the referral service judges a friend's first purchase by it. The purchases table stays the purchases
 * service's; this module is the only way in.
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
