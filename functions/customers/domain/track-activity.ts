import { RETRY, retryOnConflict, type RetryPolicy } from '../../../shared/domain/optimistic';
import { applyPurchase, applyRefund, emptyActivity, type CustomerActivity } from './activity';

export interface ActivityStore {
  getActivity(customerId: string): Promise<CustomerActivity | undefined>;
  hasApplied(customerId: string, eventId: string): Promise<boolean>;
  saveApplied(previousVersion: number, next: CustomerActivity, eventId: string, now: Date): Promise<'applied' | 'already-applied' | 'conflict'>;
}

export type ActivityChange =
  | { kind: 'purchase'; customerId: string; amountMinor: number; currency: string; occurredAt: string }
  | { kind: 'refund'; customerId: string; amountMinor: number; currency: string };

/** Events of one customer arrive in bursts (a purchase and its refunds): a few retries settle them. */
const ACTIVITY_RETRIES: RetryPolicy = { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 200 };

/** Applies one event's change to the customer's activity exactly once (idempotent on eventId). */
export async function trackActivity(
  store: ActivityStore,
  eventId: string,
  change: ActivityChange,
  now: Date,
): Promise<'applied' | 'already-applied'> {
  return retryOnConflict(`activity of customer events`, ACTIVITY_RETRIES, async () => {
    if (await store.hasApplied(change.customerId, eventId)) return 'already-applied' as const;
    const current = (await store.getActivity(change.customerId)) ?? emptyActivity(change.customerId);
    const next = change.kind === 'purchase' ? applyPurchase(current, change) : applyRefund(current, change);
    const outcome = await store.saveApplied(current.version, next, eventId, now);
    return outcome === 'conflict' ? RETRY : outcome;
  });
}
