import { describeAmountFailure, parseMajorAmount } from '../../../shared/domain/money';
import type { Page } from '../../../shared/domain/pagination';
import { decideRefund, fingerprintOf, newPurchase, type Purchase, type RecordPurchaseCommand, type Refund } from './purchase';

/** What the use cases need from storage; the DynamoDB adapter implements it. */
export interface PurchaseStore {
  insertPurchase(purchase: Purchase): Promise<{ kind: 'created' } | { kind: 'exists'; existing: Purchase }>;
  getPurchase(storeId: string, orderId: string): Promise<{ purchase: Purchase; refunds: Refund[] } | undefined>;
  insertRefund(
    purchase: Purchase,
    refund: Refund,
    decision: { refundedTotalMinor: number; fullyRefunded: boolean },
  ): Promise<{ kind: 'created' } | { kind: 'refund-exists'; existing: Refund } | { kind: 'purchase-changed' }>;
  listCustomerPurchases(query: { customerId: string; storeId?: string; limit: number; cursor?: string }): Promise<Page<Purchase>>;
}

export type RecordPurchaseResult =
  | { kind: 'created'; purchase: Purchase }
  | { kind: 'replayed'; purchase: Purchase; refunds: Refund[] }
  | { kind: 'conflict'; existing: Purchase };

/** Records a purchase exactly once per store and order; a replay of the same request returns the original. */
export async function recordPurchase(store: PurchaseStore, command: RecordPurchaseCommand, now: Date): Promise<RecordPurchaseResult> {
  const purchase = newPurchase(command, now);
  const outcome = await store.insertPurchase(purchase);
  if (outcome.kind === 'created') return { kind: 'created', purchase };
  if (outcome.existing.fingerprint !== purchase.fingerprint) return { kind: 'conflict', existing: outcome.existing };
  const current = await store.getPurchase(command.storeId, command.orderId);
  return { kind: 'replayed', purchase: current?.purchase ?? outcome.existing, refunds: current?.refunds ?? [] };
}

export interface RefundCommand {
  readonly storeId: string;
  readonly orderId: string;
  readonly refundId: string;
  /** Major units in the purchase's currency ("12.50"); validated against that currency's exponent. */
  readonly amount: string | number;
  readonly reason?: string;
}

export type RefundResult =
  | { kind: 'created'; refund: Refund; purchase: Purchase }
  | { kind: 'replayed'; refund: Refund }
  | { kind: 'conflict'; existing: Refund }
  | { kind: 'purchase-not-found' }
  | { kind: 'invalid-amount'; message: string }
  | { kind: 'exceeds-purchase'; remainingMinor: number; currency: string };

const MAX_CONCURRENT_ATTEMPTS = 25;

/** Full-jitter exponential backoff, so racing refunds of one order spread out instead of colliding again. */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(250, 5 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/**
 * Refunds part or all of a purchase, idempotent on refundId. Concurrent refunds of one order serialize on the
 * purchase's refunded total; the loser re-reads and decides again, so the total never exceeds the purchase.
 */
export async function refundPurchase(
  store: PurchaseStore,
  command: RefundCommand,
  now: Date,
): Promise<RefundResult> {
  for (let attempt = 0; attempt < MAX_CONCURRENT_ATTEMPTS; attempt++) {
    const current = await store.getPurchase(command.storeId, command.orderId);
    if (!current) return { kind: 'purchase-not-found' };
    const { purchase, refunds } = current;
    const parsed = parseMajorAmount(command.amount, purchase.currency);
    if (!parsed.ok) return { kind: 'invalid-amount', message: describeAmountFailure(parsed.failure, purchase.currency) };
    const amountMinor = parsed.money.amountMinor;
    const fingerprint = fingerprintOf({ refundId: command.refundId, amountMinor, reason: command.reason });
    const previous = refunds.find((refund) => refund.refundId === command.refundId);
    if (previous) return previous.fingerprint === fingerprint ? { kind: 'replayed', refund: previous } : { kind: 'conflict', existing: previous };
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
      fingerprint,
    };
    const outcome = await store.insertRefund(purchase, refund, decision);
    if (outcome.kind === 'created') return { kind: 'created', refund, purchase: { ...purchase, refundedMinor: decision.refundedTotalMinor } };
    if (outcome.kind === 'refund-exists') {
      return outcome.existing.fingerprint === fingerprint ? { kind: 'replayed', refund: outcome.existing } : { kind: 'conflict', existing: outcome.existing };
    }
    // purchase-changed: another refund landed first; decide again on fresh state.
    await backoff(attempt);
  }
  throw new Error(`refund of order ${command.orderId} kept conflicting after ${MAX_CONCURRENT_ATTEMPTS} attempts`);
}
