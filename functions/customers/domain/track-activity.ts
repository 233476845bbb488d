import { applyPurchase, applyRefund, emptyActivity, type CustomerActivity } from './activity';

export interface ActivityStore {
  getActivity(customerId: string): Promise<CustomerActivity | undefined>;
  hasApplied(customerId: string, eventId: string): Promise<boolean>;
  saveApplied(previousVersion: number, next: CustomerActivity, eventId: string, now: Date): Promise<'applied' | 'already-applied' | 'conflict'>;
}

export type ActivityChange =
  | { kind: 'purchase'; customerId: string; amountMinor: number; currency: string; occurredAt: string }
  | { kind: 'refund'; customerId: string; amountMinor: number; currency: string };

const MAX_ATTEMPTS = 10;

/** Applies one event's change to the customer's activity exactly once (idempotent on eventId). */
export async function trackActivity(
  store: ActivityStore,
  eventId: string,
  change: ActivityChange,
  now: Date,
): Promise<'applied' | 'already-applied'> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await store.hasApplied(change.customerId, eventId)) return 'already-applied';
    const current = (await store.getActivity(change.customerId)) ?? emptyActivity(change.customerId);
    const next = change.kind === 'purchase' ? applyPurchase(current, change) : applyRefund(current, change);
    const outcome = await store.saveApplied(current.version, next, eventId, now);
    if (outcome !== 'conflict') return outcome;
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)));
  }
  throw new Error(`activity of a customer kept conflicting after ${MAX_ATTEMPTS} attempts`);
}
