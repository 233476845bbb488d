import { emptyActivity, type CustomerActivity } from './activity';

/** The customers use cases besides tracking activity (track-activity.ts): reading it, and erasure. */
export interface CustomersStore {
  getActivity(customerId: string): Promise<CustomerActivity | undefined>;
  requestErasure(request: ErasureRequest): Promise<void>;
  confirmErasure(requestId: string, customerId: string, erasedAt: string): Promise<void>;
}

export interface ErasureRequest {
  readonly requestId: string;
  readonly customerId: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
}

/** An unknown customer has no activity yet: that is an empty summary, not an error. */
export async function customerActivity(store: Pick<CustomersStore, 'getActivity'>, customerId: string): Promise<CustomerActivity> {
  return (await store.getActivity(customerId)) ?? emptyActivity(customerId);
}

/** Records the request; every service holding personal data erases it when CustomerErasureRequested arrives. */
export function requestErasure(store: Pick<CustomersStore, 'requestErasure'>, request: ErasureRequest): Promise<void> {
  return store.requestErasure(request);
}

/** The customers service keeps only anonymous totals: its erasure is a confirmation. */
export function eraseCustomersData(store: Pick<CustomersStore, 'confirmErasure'>, request: { requestId: string; customerId: string }, now: string): Promise<void> {
  return store.confirmErasure(request.requestId, request.customerId, now);
}
