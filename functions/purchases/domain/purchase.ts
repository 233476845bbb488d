import { fingerprintOf } from '../../../shared/domain/fingerprint';
import { describeAmountFailure, formatMinor, parseMajorAmount } from '../../../shared/domain/money';

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

/** How much a refund takes: an amount in major units, or what remains refundable (up to a cumulative total). */
export type RefundAmount = { kind: 'amount'; amount: string | number } | { kind: 'remaining'; upToMinor?: number };

/**
 * A refund that arrived before its purchase (webhooks and storefronts deliver out of order). It waits on the order
 * and is applied, once, in the same transaction that records the purchase.
 */
export interface HeldRefund {
  readonly storeId: string;
  readonly orderId: string;
  readonly refundId: string;
  readonly amount: RefundAmount;
  readonly reason?: string;
  readonly receivedAt: string;
  readonly fingerprint: string;
}

/** The most refunds one unrecorded order can hold: all of them are applied in the purchase's one transaction. */
export const MAX_HELD_REFUNDS = 40;

export function newHeldRefund(command: { storeId: string; orderId: string; refundId: string; amount: RefundAmount; reason?: string }, receivedAt: Date): HeldRefund {
  return {
    storeId: command.storeId,
    orderId: command.orderId,
    refundId: command.refundId,
    amount: command.amount,
    ...(command.reason === undefined ? {} : { reason: command.reason }),
    receivedAt: receivedAt.toISOString(),
    fingerprint: fingerprintOf({ refundId: command.refundId, amount: command.amount, reason: command.reason }),
  };
}

export type RefundAmountResolution = { kind: 'amount'; amountMinor: number } | { kind: 'nothing-left' } | { kind: 'invalid'; message: string };

/** The refund's amount in the purchase's minor units, given what is already refunded. */
export function resolveRefundAmount(purchase: Pick<Purchase, 'amountMinor' | 'refundedMinor' | 'currency'>, amount: RefundAmount): RefundAmountResolution {
  if (amount.kind === 'remaining') {
    const target = Math.min(amount.upToMinor ?? purchase.amountMinor, purchase.amountMinor);
    const remaining = target - purchase.refundedMinor;
    return remaining > 0 ? { kind: 'amount', amountMinor: remaining } : { kind: 'nothing-left' };
  }
  const parsed = parseMajorAmount(amount.amount, purchase.currency);
  return parsed.ok ? { kind: 'amount', amountMinor: parsed.money.amountMinor } : { kind: 'invalid', message: describeAmountFailure(parsed.failure, purchase.currency) };
}

/**
 * Plans the refunds held for a purchase being recorded, in the order they arrived, exactly as if each had come
 * after it: each is fingerprinted like a refund request with that amount (so a later retry of the same refund is
 * a replay), and one that cannot apply (invalid, more than remains) is skipped with the reason, as it would have
 * been refused had it come later.
 */
export function planHeldRefunds(purchase: Purchase, held: readonly HeldRefund[], now: Date): { purchase: Purchase; refunds: Refund[]; skipped: { refundId: string; reason: string }[] } {
  let current = purchase;
  const refunds: Refund[] = [];
  const skipped: { refundId: string; reason: string }[] = [];
  for (const candidate of [...held].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.refundId.localeCompare(b.refundId))) {
    const resolved = resolveRefundAmount(current, candidate.amount);
    if (resolved.kind !== 'amount') {
      skipped.push({ refundId: candidate.refundId, reason: resolved.kind === 'invalid' ? resolved.message : 'nothing left to refund' });
      continue;
    }
    const decision = decideRefund(current, resolved.amountMinor);
    if (decision.kind === 'exceeds') {
      skipped.push({ refundId: candidate.refundId, reason: `exceeds what remains refundable (${formatMinor(decision.remainingMinor, current.currency)})` });
      continue;
    }
    refunds.push({
      storeId: candidate.storeId,
      orderId: candidate.orderId,
      refundId: candidate.refundId,
      amountMinor: resolved.amountMinor,
      currency: current.currency,
      ...(candidate.reason === undefined ? {} : { reason: candidate.reason }),
      createdAt: now.toISOString(),
      fingerprint: refundFingerprint(candidate.refundId, resolved.amountMinor, candidate.reason),
    });
    current = { ...current, refundedMinor: decision.refundedTotalMinor };
  }
  return { purchase: current, refunds, skipped };
}

export function refundFingerprint(refundId: string, amountMinor: number, reason: string | undefined): string {
  return fingerprintOf({ refundId, amountMinor, reason });
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

/** A refund waiting for its purchase, as the API shows it (202 Accepted). */
export function heldRefundView(held: HeldRefund) {
  return {
    refundId: held.refundId,
    orderId: held.orderId,
    status: 'held' as const,
    ...(held.amount.kind === 'amount' ? { amount: String(held.amount.amount) } : { amount: 'remaining' }),
    ...(held.reason === undefined ? {} : { reason: held.reason }),
    receivedAt: held.receivedAt,
    detail: 'No purchase with this orderId is recorded yet: the refund is held and applied once when the purchase is recorded',
  };
}
