import type { Page } from '../../../shared/domain/pagination';
import type { Purchase, Refund } from './purchase';
import type { PurchaseStore } from './use-cases';

/** The purchases use cases that read, and the service's privacy duty. */
export function storePurchase(store: PurchaseStore, storeId: string, orderId: string): Promise<{ purchase: Purchase; refunds: Refund[] } | undefined> {
  // A store sees only its own orders: the key is the store's.
  return store.getPurchase(storeId, orderId);
}

/** A customer's purchases, newest first; a storefront's view is limited to its own store. */
export function customerPurchases(store: PurchaseStore, query: { customerId: string; storeId?: string; limit: number; cursor?: string }): Promise<Page<Purchase>> {
  return store.listCustomerPurchases(query);
}

export interface PurchasesPrivacyStore {
  /** Erases emails (also inside stored events) and refund reasons of the customer's purchases, confirming once. */
  eraseCustomer(requestId: string, customerId: string, erasedAt: string): Promise<number>;
  exportCustomer(customerId: string): Promise<{ purchase: Purchase; refunds: Refund[] }[]>;
}

export function erasePurchasesData(store: PurchasesPrivacyStore, request: { requestId: string; customerId: string }, now: string): Promise<number> {
  return store.eraseCustomer(request.requestId, request.customerId, now);
}

export function exportPurchasesData(store: PurchasesPrivacyStore, customerId: string): Promise<{ purchase: Purchase; refunds: Refund[] }[]> {
  return store.exportCustomer(customerId);
}
