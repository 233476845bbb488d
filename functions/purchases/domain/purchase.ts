import { fingerprintOf } from '../../../shared/domain/fingerprint';
import { formatMinor } from '../../../shared/domain/money';

export { fingerprintOf };

export interface LineItem {
  readonly sku?: string;
  readonly category?: string;
  readonly quantity: number;
  readonly unitPriceMinor?: number;
}

/** A validated request to record a purchase, amounts already in integer minor units. */
export interface RecordPurchaseCommand {
  readonly storeId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly email?: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly items: readonly LineItem[];
  /** As sent; absent means "now" at the time it is first recorded. */
  readonly occurredAt?: string;
  readonly referralCode?: string;
  readonly channel?: string;
}

export interface Purchase {
  readonly storeId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly email?: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly items: readonly LineItem[];
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly referralCode?: string;
  readonly channel?: string;
  readonly refundedMinor: number;
  /** Fingerprint of the request that created it: a replay with the same fingerprint is the same purchase. */
  readonly fingerprint: string;
}

export interface Refund {
  readonly storeId: string;
  readonly orderId: string;
  readonly refundId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly reason?: string;
  readonly createdAt: string;
  readonly fingerprint: string;
}

export function newPurchase(command: RecordPurchaseCommand, recordedAt: Date): Purchase {
  const { occurredAt, ...rest } = command;
  return {
    ...rest,
    occurredAt: occurredAt ? new Date(occurredAt).toISOString() : recordedAt.toISOString(),
    recordedAt: recordedAt.toISOString(),
    refundedMinor: 0,
    fingerprint: fingerprintOf(command),
  };
}

export function purchaseEventId(purchase: Pick<Purchase, 'storeId' | 'orderId'>): string {
  return `purchase-recorded:${purchase.storeId}:${purchase.orderId}`;
}

export function refundEventId(refund: Pick<Refund, 'storeId' | 'orderId' | 'refundId'>): string {
  return `purchase-refunded:${refund.storeId}:${refund.orderId}:${refund.refundId}`;
}

export type RefundDecision =
  | { kind: 'accept'; refundedTotalMinor: number; fullyRefunded: boolean }
  | { kind: 'exceeds'; remainingMinor: number };

/** The total refunded never exceeds the purchase. */
export function decideRefund(purchase: Pick<Purchase, 'amountMinor' | 'refundedMinor'>, amountMinor: number): RefundDecision {
  const remainingMinor = purchase.amountMinor - purchase.refundedMinor;
  if (amountMinor > remainingMinor) return { kind: 'exceeds', remainingMinor };
  const refundedTotalMinor = purchase.refundedMinor + amountMinor;
  return { kind: 'accept', refundedTotalMinor, fullyRefunded: refundedTotalMinor === purchase.amountMinor };
}

/** The API representation, amounts both as decimal text and integer minor units. Listings omit refunds (`refunds` undefined); single reads include them. */
export function purchaseView(purchase: Purchase, refunds?: readonly Refund[]) {
  const money = (minor: number) => formatMinor(minor, purchase.currency);
  return {
    storeId: purchase.storeId,
    orderId: purchase.orderId,
    customerId: purchase.customerId,
    ...(purchase.email === undefined ? {} : { email: purchase.email }),
    amount: money(purchase.amountMinor),
    amountMinor: purchase.amountMinor,
    currency: purchase.currency,
    items: purchase.items.map((item) => ({
      ...(item.sku === undefined ? {} : { sku: item.sku }),
      ...(item.category === undefined ? {} : { category: item.category }),
      quantity: item.quantity,
      ...(item.unitPriceMinor === undefined ? {} : { unitPrice: money(item.unitPriceMinor), unitPriceMinor: item.unitPriceMinor }),
    })),
    occurredAt: purchase.occurredAt,
    recordedAt: purchase.recordedAt,
    ...(purchase.referralCode === undefined ? {} : { referralCode: purchase.referralCode }),
    ...(purchase.channel === undefined ? {} : { channel: purchase.channel }),
    refundedAmount: money(purchase.refundedMinor),
    refundedAmountMinor: purchase.refundedMinor,
    ...(refunds === undefined ? {} : { refunds: refunds.map((refund) => refundView(refund)) }),
  };
}

export function refundView(refund: Refund) {
  return {
    refundId: refund.refundId,
    orderId: refund.orderId,
    amount: formatMinor(refund.amountMinor, refund.currency),
    amountMinor: refund.amountMinor,
    currency: refund.currency,
    ...(refund.reason === undefined ? {} : { reason: refund.reason }),
    createdAt: refund.createdAt,
  };
}
