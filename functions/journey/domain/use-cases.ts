import { RETRY, retryOnConflict, type RetryPolicy } from '../../../shared/domain/optimistic';
import { contributions, counterChanges, cohortReport, funnelReport, overviewReport, type CohortReport, type CounterChange, type CounterRow, type FunnelReport, type OverviewReport } from './analytics';
import { sweepDue } from '../../../shared/schedules/sweep';
import { assessChurn, enteredOverlay, type ChurnAssessment, type Overlay } from './churn';
import { applyFact, emptyJourney, medianGapDays, monthOf, type Cause, type HistoryEntry, type JourneyFact, type JourneyState } from './journey';

/** The journey's storage, in the domain's words. */
export interface JourneyChange {
  readonly state: JourneyState;
  readonly expectedVersion: number;
  /** The consumed event: stored once per customer, so a redelivery is refused in the same transaction (none for a review). */
  readonly cause?: Cause;
  readonly counters: readonly CounterChange[];
  readonly announce?: HistoryEntry;
  /** A churn overlay entered: announced as CustomerAtRisk or CustomerLapsed. */
  readonly overlayEntered?: { readonly overlay: Overlay; readonly assessment: ChurnAssessment };
}

export interface JourneyStore {
  getJourney(customerId: string): Promise<JourneyState | undefined>;
  /** 'duplicate': this event was already applied to this customer; 'conflict': the state moved since it was read. */
  commit(change: JourneyChange): Promise<'committed' | 'duplicate' | 'conflict'>;
  /** Customers whose churn review is due at `now`, one page of one shard of the due-time index. */
  dueReviews(shard: number, now: string, limit: number, cursor?: Record<string, unknown>): Promise<{ items: { customerId: string }[]; cursor?: Record<string, unknown> }>;
}

export const REVIEW_SHARDS = 4;

export interface AnalyticsStore {
  /** Counter items of a group with keys from..to (inclusive), summed over shards. */
  counterRows(group: 'funnel' | 'cohort' | 'activity', from: string, to: string): Promise<CounterRow[]>;
  totals(): Promise<Record<string, number>>;
}

const POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 400 };

export type RecordOutcome = { readonly kind: 'applied'; readonly transition?: HistoryEntry } | { readonly kind: 'duplicate' } | { readonly kind: 'erased' };

/**
 * Applies one consumed event to its customer: the new state, the counters' difference, the marker of the event and
 * the stage change's announcement commit together or not at all. A redelivery meets its marker and changes nothing;
 * a lost race reads again.
 */
export async function recordJourneyEvent(store: JourneyStore, customerId: string, fact: JourneyFact, cause: Cause, now: string): Promise<RecordOutcome> {
  return retryOnConflict('journey update', POLICY, async () => {
    const current = await store.getJourney(customerId);
    // An erased customer's later events are not counted: the aggregates keep what they were at erasure.
    if (current?.erasedAt) return { kind: 'erased' } as const;
    const before = current ?? emptyJourney(customerId);
    const applied = applyFact(before, fact, cause);
    const churn = assessChurn(applied.state, now);
    const next: JourneyState = { ...applied.state, version: before.version + 1, ...(churn ? { churn } : {}) };
    const overlay = enteredOverlay(before.churn, churn);
    const outcome = await store.commit({
      state: next,
      expectedVersion: before.version,
      cause,
      counters: counterChanges(contributions(current), contributions(next)),
      ...(applied.transition ? { announce: applied.transition } : {}),
      ...(overlay && churn ? { overlayEntered: { overlay, assessment: churn } } : {}),
    });
    if (outcome === 'conflict') return RETRY;
    if (outcome === 'duplicate') return { kind: 'duplicate' } as const;
    return { kind: 'applied', ...(applied.transition ? { transition: applied.transition } : {}) } as const;
  });
}

/**
 * The daily review: every customer whose assessment's `reviewAt` came is assessed again at `now` — crossing into
 * at_risk or lapsed with no event at all, only time — and the overlay's event committed with the new assessment.
 */
export async function reviewDueCustomers(store: JourneyStore, now: string, run: { timeLeftMs?: () => number; budget?: number } = {}) {
  return sweepDue({
    shards: REVIEW_SHARDS,
    page: (shard, cursor) => store.dueReviews(shard, now, 100, cursor),
    orderKey: (item) => item.customerId,
    concurrency: 8,
    ...(run.timeLeftMs ? { timeLeftMs: run.timeLeftMs } : {}),
    ...(run.budget === undefined ? {} : { budget: run.budget }),
    handle: (item) => reviewCustomer(store, item.customerId, now),
  });
}

export async function reviewCustomer(store: JourneyStore, customerId: string, now: string): Promise<boolean> {
  return retryOnConflict('journey review', POLICY, async () => {
    const current = await store.getJourney(customerId);
    if (!current || current.erasedAt || !current.churn?.reviewAt || Date.parse(current.churn.reviewAt) > Date.parse(now)) return false;
    const churn = assessChurn(current, now);
    if (!churn) return false;
    const next: JourneyState = { ...current, version: current.version + 1, churn };
    const overlay = enteredOverlay(current.churn, churn);
    const outcome = await store.commit({
      state: next,
      expectedVersion: current.version,
      counters: counterChanges(contributions(current), contributions(next)),
      ...(overlay ? { overlayEntered: { overlay, assessment: churn } } : {}),
    });
    return outcome === 'conflict' ? RETRY : true;
  });
}

/** A customer's journey as the API shows it. */
export function journeyView(state: JourneyState) {
  const lastPurchaseAt = state.purchaseTimes.at(-1);
  const gap = medianGapDays(state.purchaseTimes);
  return {
    customerId: state.customerId,
    stage: state.stage,
    milestones: state.milestones,
    history: [...state.history].reverse(),
    signals: {
      purchases: state.purchaseCount,
      monetaryMinor: state.monetaryMinor,
      ...(state.earliestPurchases[0] ? { firstPurchaseAt: state.earliestPurchases[0] } : {}),
      ...(lastPurchaseAt ? { lastPurchaseAt } : {}),
      ...(gap === undefined ? {} : { medianGapDays: gap }),
      refunds: state.refunds.length,
      ...(state.refunds.at(-1) ? { lastRefundAt: state.refunds.at(-1) as string } : {}),
      answers: state.answers,
      ...(state.lastDetractorAt ? { lastDetractorAt: state.lastDetractorAt } : {}),
      referredBySomeone: state.attributed,
      referralsRewarded: state.referralsRewarded,
      testimonialsApproved: state.testimonialsApproved,
      ...(state.balance ? { balance: { available: state.balance.available, pending: state.balance.pending } } : {}),
    },
    ...(state.churn
      ? { risk: { score: state.churn.score, overlay: state.churn.overlay, reasons: state.churn.reasons, assessedAt: state.churn.assessedAt, expectedGapDays: state.churn.expectedGapDays } }
      : {}),
  };
}

export async function funnel(store: AnalyticsStore, from: string, to: string): Promise<FunnelReport> {
  return funnelReport(await store.counterRows('funnel', from, to), from, to);
}

/** Cohorts whose first purchase fell in months from..to (yyyy-mm). */
export async function cohorts(store: AnalyticsStore, from: string, to: string, asOf: string): Promise<CohortReport> {
  return cohortReport(await store.counterRows('cohort', from, to), monthOf(asOf));
}

export async function overview(store: AnalyticsStore, asOf: string): Promise<OverviewReport> {
  const start = new Date(Date.parse(asOf) - 90 * 86_400_000).toISOString().slice(0, 10);
  const [totals, activity] = await Promise.all([store.totals(), store.counterRows('activity', start, asOf.slice(0, 10))]);
  return overviewReport(totals, activity, asOf);
}
