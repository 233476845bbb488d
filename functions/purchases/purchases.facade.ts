import { recordPurchase as recordPurchaseUseCase, refundPurchase as refundPurchaseUseCase, type RefundCommand } from './domain/use-cases';
import type { RecordPurchaseCommand } from './domain/purchase';
import { purchasesRepository } from './purchases.context';

export { recordPurchaseBody } from './purchase.schema';
export type { RecordPurchaseCommand, RefundCommand };

/**
 * What other services (inbound webhooks) may ask of purchases, in-process: the same use cases as the API, with the
 * same idempotency on orderId and refundId. The purchases table stays the purchases service's: this module is the
 * only way in, declared in purchases' service.ts (a function using it binds the table read-write).
 */
export function recordPurchase(command: RecordPurchaseCommand, at: Date) {
  return recordPurchaseUseCase(purchasesRepository(), command, at);
}

export function refundPurchase(command: RefundCommand, at: Date) {
  return refundPurchaseUseCase(purchasesRepository(), command, at);
}

export type RecordPurchaseOutcome = Awaited<ReturnType<typeof recordPurchase>>;
export type RefundPurchaseOutcome = Awaited<ReturnType<typeof refundPurchase>>;
