import { RETRY, retryOnConflict, type RetryPolicy } from '../../../shared/domain/optimistic';
import { applyPurchase, applyRefund, emptyActivity, type CustomerActivity } from './activity';
import { inRecent, markersMayHold, NO_APPLIED_EVENTS, recordApplied, type AppliedEvents } from './applied-events';

export interface StoredActivity {
  readonly activity: CustomerActivity;
  readonly applied: AppliedEvents;
}

export interface ActivityStore {
  /** The activity with the events it already holds. */
  getActivityForUpdate(customerId: string): Promise<StoredActivity | undefined>;
  /** Whether an event was recorded as a marker item (overflow, or before events were kept in the activity). */
  hasApplied(customerId: string, eventId: string): Promise<boolean>;
  /**
   * Saves the new activity if it is still at `previousVersion`; with `marker`, also the event's marker item (once),
   * in the same transaction.
   */
  saveApplied(previousVersion: number, next: StoredActivity, change: { eventId: string; marker: boolean }, now: Date): Promise<'applied' | 'already-applied' | 'conflict'>;
}

export type ActivityChange =
  | { kind: 'purchase'; customerId: string; amountMinor: number; currency: string; occurredAt: string }
  | { kind: 'refund'; customerId: string; amountMinor: number; currency: string };

/** Events of one customer arrive in bursts (a purchase and its refunds): a few retries settle them. */
const ACTIVITY_RETRIES: RetryPolicy = { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 200 };

/**
 * Applies one event's change to the customer's activity exactly once (idempotent on eventId): usually one
 * conditional write of the activity item, which carries the ids of the events it holds.
 */
export async function trackActivity(
  store: ActivityStore,
  eventId: string,
  change: ActivityChange,
  now: Date,
): Promise<'applied' | 'already-applied'> {
  return retryOnConflict(`activity of customer events`, ACTIVITY_RETRIES, async () => {
    const current = (await store.getActivityForUpdate(change.customerId)) ?? { activity: emptyActivity(change.customerId), applied: NO_APPLIED_EVENTS };
    if (inRecent(current.applied, eventId)) return 'already-applied' as const;
    if (markersMayHold(current.applied, now) && (await store.hasApplied(change.customerId, eventId))) return 'already-applied' as const;
    const activity = change.kind === 'purchase' ? applyPurchase(current.activity, change) : applyRefund(current.activity, change);
    const recorded = recordApplied(current.applied, eventId, now);
    const outcome = await store.saveApplied(current.activity.version, { activity, applied: recorded.applied }, { eventId, marker: recorded.useMarker }, now);
    return outcome === 'conflict' ? RETRY : outcome;
  });
}
