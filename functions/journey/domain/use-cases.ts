import { RETRY, retryOnConflict, type RetryPolicy } from '../../../shared/domain/optimistic';
import { contributions, counterChanges, cohortReport, funnelReport, overviewReport, type CohortReport, type CounterChange, type CounterRow, type FunnelReport, type OverviewReport } from './analytics';
import { applyFact, emptyJourney, medianGapDays, monthOf, type Cause, type HistoryEntry, type JourneyFact, type JourneyState } from './journey';

/** The journey's storage, in the domain's words. */
export interface JourneyChange {
  readonly state: JourneyState;
  readonly expectedVersion: number;
  /** The consumed event: stored once per customer, so a redelivery is refused in the same transaction. */
  readonly cause: Cause;
  readonly counters: readonly CounterChange[];
  readonly announce?: HistoryEntry;
}

export interface JourneyStore {
  getJourney(customerId: string): Promise<JourneyState | undefined>;
  /** 'duplicate': this event was already applied to this customer; 'conflict': the state moved since it was read. */
  commit(change: JourneyChange): Promise<'committed' | 'duplicate' | 'conflict'>;
}

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
export async function recordJourneyEvent(store: JourneyStore, customerId: string, fact: JourneyFact, cause: Cause): Promise<RecordOutcome> {
  return retryOnConflict('journey update', POLICY, async () => {
    const current = await store.getJourney(customerId);
    // An erased customer's later events are not counted: the aggregates keep what they were at erasure.
    if (current?.erasedAt) return { kind: 'erased' } as const;
    const before = current ?? emptyJourney(customerId);
    const applied = applyFact(before, fact, cause);
    const next = { ...applied.state, version: before.version + 1 };
    const outcome = await store.commit({
      state: next,
      expectedVersion: before.version,
      cause,
      counters: counterChanges(contributions(current), contributions(next)),
      ...(applied.transition ? { announce: applied.transition } : {}),
    });
    if (outcome === 'conflict') return RETRY;
    if (outcome === 'duplicate') return { kind: 'duplicate' } as const;
    return { kind: 'applied', ...(applied.transition ? { transition: applied.transition } : {}) } as const;
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
