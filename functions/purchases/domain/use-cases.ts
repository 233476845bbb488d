import { RETRY, retryOnConflict, type RetryPolicy } from '../../../shared/domain/optimistic';
import type { Page } from '../../../shared/domain/pagination';
import {
  decideRefund,
  newHeldRefund,
  newPurchase,
  planHeldRefunds,
  refundFingerprint,
  resolveRefundAmount,
  type HeldRefund,
  type Purchase,
  type RecordPurchaseCommand,
  type Refund,
  type RefundAmount,
} from './purchase';

/** What the use cases need from storage; the DynamoDB adapter implements it. */
export interface PurchaseStore {
  /** `held`: refunds wait for this order (a placeholder stands where the purchase goes), at `heldVersion`. */
  insertPurchase(purchase: Purchase): Promise<{ kind: 'created' } | { kind: 'exists'; existing: Purchase } | { kind: 'held'; heldVersion: number }>;
  heldRefunds(storeId: string, orderId: string): Promise<HeldRefund[]>;
  /** Records the purchase with its held refunds applied, in one transaction; `conflict` if the holds changed since. */
  insertPurchaseWithHeldRefunds(purchase: Purchase, refunds: readonly Refund[], released: readonly HeldRefund[], heldVersion: number): Promise<'created' | 'conflict'>;
  /** `purchase-exists`: the purchase was recorded meanwhile, so the refund applies to it directly. */
  holdRefund(held: HeldRefund): Promise<{ kind: 'held' } | { kind: 'held-exists'; existing: HeldRefund } | { kind: 'purchase-exists' } | { kind: 'too-many' }>;
  getPurchase(storeId: string, orderId: string): Promise<{ purchase: Purchase; refunds: Refund[] } | undefined>;
  insertRefund(
    purchase: Purchase,
    refund: Refund,
    decision: { refundedTotalMinor: number; fullyRefunded: boolean },
  ): Promise<{ kind: 'created' } | { kind: 'refund-exists'; existing: Refund } | { kind: 'purchase-changed' }>;
  listCustomerPurchases(query: { customerId: string; storeId?: string; limit: number; cursor?: string }): Promise<Page<Purchase>>;
}

export type RecordPurchaseResult =
  | { kind: 'created'; purchase: Purchase; refunds: Refund[]; skippedRefunds: { refundId: string; reason: string }[] }
  | { kind: 'replayed'; purchase: Purchase; refunds: Refund[] }
  | { kind: 'conflict'; existing: Purchase };

/** Writers of one order (a purchase and its refunds, a storefront and its webhooks) race on one item. */
const ORDER_RETRIES: RetryPolicy = { maxAttempts: 25, baseDelayMs: 5, maxDelayMs: 250 };

/**
 * Records a purchase exactly once per store and order; a replay of the same request returns the original. Refunds
 * that arrived first are applied in the same transaction, exactly once.
 */
export async function recordPurchase(store: PurchaseStore, command: RecordPurchaseCommand, now: Date): Promise<RecordPurchaseResult> {
  const purchase = newPurchase(command, now);
  return retryOnConflict(`recording order ${command.orderId}`, ORDER_RETRIES, async () => {
    const outcome = await store.insertPurchase(purchase);
    if (outcome.kind === 'created') return { kind: 'created', purchase, refunds: [], skippedRefunds: [] };
    if (outcome.kind === 'exists') {
      if (outcome.existing.fingerprint !== purchase.fingerprint) return { kind: 'conflict', existing: outcome.existing };
      const current = await store.getPurchase(command.storeId, command.orderId);
      return { kind: 'replayed', purchase: current?.purchase ?? outcome.existing, refunds: current?.refunds ?? [] };
    }
    const held = await store.heldRefunds(command.storeId, command.orderId);
    const planned = planHeldRefunds(purchase, held, now);
    if ((await store.insertPurchaseWithHeldRefunds(planned.purchase, planned.refunds, held, outcome.heldVersion)) === 'created') {
      return { kind: 'created', purchase: planned.purchase, refunds: planned.refunds, skippedRefunds: planned.skipped };
    }
    // Another refund was held (or the purchase recorded) meanwhile: decide again on fresh state.
    return RETRY;
  });
}

export interface RefundCommand {
  readonly storeId: string;
  readonly orderId: string;
  readonly refundId: string;
  /**
   * Major units in the purchase's currency ("12.50", validated against that currency's exponent), or what remains
   * refundable (a cancellation), optionally up to a cumulative refunded total (Stripe's amount_refunded).
   */
  readonly amount: string | number | { remainingUpToMinor?: number };
  readonly reason?: string;
}

export type RefundResult =
  | { kind: 'created'; refund: Refund; purchase: Purchase }
  | { kind: 'replayed'; refund: Refund }
  | { kind: 'conflict'; existing: Refund | HeldRefund }
  | { kind: 'held'; held: HeldRefund; replayed: boolean }
  | { kind: 'too-many-held' }
  | { kind: 'nothing-left' }
  | { kind: 'invalid-amount'; message: string }
  | { kind: 'exceeds-purchase'; remainingMinor: number; currency: string };

/**
 * Refunds part or all of a purchase, idempotent on refundId. Concurrent refunds of one order serialize on the
 * purchase's refunded total; the loser re-reads and decides again, so the total never exceeds the purchase.
 * A refund for an order not recorded yet is held, and applied when the purchase arrives.
 */
export async function refundPurchase(
  store: PurchaseStore,
  command: RefundCommand,
  now: Date,
): Promise<RefundResult> {
  const amount: RefundAmount = typeof command.amount === 'object' ? { kind: 'remaining', ...(command.amount.remainingUpToMinor === undefined ? {} : { upToMinor: command.amount.remainingUpToMinor }) } : { kind: 'amount', amount: command.amount };
  return retryOnConflict(`refund of order ${command.orderId}`, ORDER_RETRIES, async (): Promise<RefundResult | typeof RETRY> => {
    const current = await store.getPurchase(command.storeId, command.orderId);
    if (!current) {
      const held = newHeldRefund({ storeId: command.storeId, orderId: command.orderId, refundId: command.refundId, amount, reason: command.reason }, now);
      const outcome = await store.holdRefund(held);
      if (outcome.kind === 'held') return { kind: 'held', held, replayed: false };
      if (outcome.kind === 'too-many') return { kind: 'too-many-held' };
      if (outcome.kind === 'held-exists') {
        return outcome.existing.fingerprint === held.fingerprint ? { kind: 'held', held: outcome.existing, replayed: true } : { kind: 'conflict', existing: outcome.existing };
      }
      // The purchase was recorded meanwhile (or another writer of this order won a race): read again.
      return RETRY;
    }
    const { purchase, refunds } = current;
    const resolved = resolveRefundAmount(purchase, amount);
    const previous = refunds.find((refund) => refund.refundId === command.refundId);
    if (previous) {
      // A retry of a refund already applied: for "what remains" the amount is whatever it took then.
      const sameAmount = amount.kind === 'remaining' || (resolved.kind === 'amount' && resolved.amountMinor === previous.amountMinor);
      return sameAmount && previous.reason === command.reason ? { kind: 'replayed', refund: previous } : { kind: 'conflict', existing: previous };
    }
    if (resolved.kind === 'invalid') return { kind: 'invalid-amount', message: resolved.message };
    if (resolved.kind === 'nothing-left') return { kind: 'nothing-left' };
    const amountMinor = resolved.amountMinor;
    const decision = decideRefund(purchase, amountMinor);
    if (decision.kind === 'exceeds') return { kind: 'exceeds-purchase', remainingMinor: decision.remainingMinor, currency: purchase.currency };
    const refund: Refund = {
      storeId: command.storeId,
      orderId: command.orderId,
      refundId: command.refundId,
      amountMinor,
      currency: purchase.currency,
      ...(command.reason === undefined ? {} : { reason: command.reason }),
      createdAt: now.toISOString(),
      fingerprint: refundFingerprint(command.refundId, amountMinor, command.reason),
    };
    const outcome = await store.insertRefund(purchase, refund, decision);
    if (outcome.kind === 'created') return { kind: 'created', refund, purchase: { ...purchase, refundedMinor: decision.refundedTotalMinor } };
    if (outcome.kind === 'refund-exists') {
      return outcome.existing.fingerprint === refund.fingerprint ? { kind: 'replayed', refund: outcome.existing } : { kind: 'conflict', existing: outcome.existing };
    }
    // purchase-changed: another refund landed first; decide again on fresh state.
    return RETRY;
  });
}
