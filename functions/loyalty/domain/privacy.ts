/** The loyalty service's privacy duty, over its own port (the DynamoDB adapter is LoyaltyPrivacy). */
export interface LoyaltyPrivacyStore {
  /** Erases the customer's free text (adjustment reasons, also in stored events) and confirms once; returns how many. */
  eraseCustomer(requestId: string, customerId: string, erasedAt: string): Promise<number>;
  exportCustomer(customerId: string): Promise<Record<string, unknown>>;
}

export function eraseLoyaltyData(store: LoyaltyPrivacyStore, request: { requestId: string; customerId: string }, now: string): Promise<number> {
  return store.eraseCustomer(request.requestId, request.customerId, now);
}

/** The loyalty sections of a customer's export. */
export async function exportLoyaltyData(store: LoyaltyPrivacyStore, customerId: string): Promise<{ loyalty: Record<string, unknown> }> {
  return { loyalty: await store.exportCustomer(customerId) };
}
