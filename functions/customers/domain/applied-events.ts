/**
 * Which events a customer's activity already holds, kept in the activity item itself so that applying an event is
 * one conditional write (issue 9) instead of a transaction with a marker item per event.
 *
 * Exactly once, as before: an event's id stays in the set for RETENTION_DAYS after it was applied — as long as the
 * per-event markers lived, longer than any redelivery (EventBridge retries for 24 h, Lambda async events live 6 h,
 * dead letters 14 days). Ids are dropped by age only, never to make room. A customer with more than CAPACITY events
 * in that window (a shared guest id, a bulk import) does not grow the item without bound: from then on, until the
 * window has passed, events of that customer are recorded with markers again (`markersUntil`) and checked against both.
 */
export const RETENTION_DAYS = 90;
export const CAPACITY = 100;
const DAY_MS = 86_400_000;

export interface AppliedEvents {
  /** Event id → when it was applied (epoch seconds). */
  readonly recent: Readonly<Record<string, number>>;
  /** Until then, events may also have been recorded as marker items (overflow, or written before the set existed). */
  readonly markersUntil?: string;
}

export const NO_APPLIED_EVENTS: AppliedEvents = { recent: {} };

export function inRecent(applied: AppliedEvents, eventId: string): boolean {
  return Object.hasOwn(applied.recent, eventId);
}

/** Whether markers must be consulted too (the set alone cannot say "never applied"). */
export function markersMayHold(applied: AppliedEvents, now: Date): boolean {
  return applied.markersUntil !== undefined && applied.markersUntil > now.toISOString();
}

/**
 * The set after applying `eventId` now: ids older than the retention dropped, the new one added — or, when the set
 * is full of ids still inside the window, `useMarker` (the event is recorded as a marker item and the set stays).
 */
export function recordApplied(applied: AppliedEvents, eventId: string, now: Date): { applied: AppliedEvents; useMarker: boolean } {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const horizon = nowSeconds - RETENTION_DAYS * 86_400;
  const kept = Object.fromEntries(Object.entries(applied.recent).filter(([, at]) => at > horizon));
  const markersUntil = markersMayHold(applied, now) ? applied.markersUntil : undefined;
  if (Object.keys(kept).length >= CAPACITY) {
    const until = new Date(now.getTime() + RETENTION_DAYS * DAY_MS).toISOString();
    return { applied: { recent: kept, markersUntil: markersUntil && markersUntil > until ? markersUntil : until }, useMarker: true };
  }
  return { applied: { recent: { ...kept, [eventId]: nowSeconds }, ...(markersUntil ? { markersUntil } : {}) }, useMarker: false };
}
