import { JOURNEY_STAGES } from '../../../events/journey';
import type { ChurnAssessment } from './churn';

/**
 * A customer's journey, pure. Every consumed event becomes a fact; a fact updates the customer's state (purchases,
 * answers, referrals, balance…), and the stage is a function of that state: the highest milestone reached. Each
 * milestone keeps the earliest time it was reached and the event that reached it, so the same set of events gives
 * the same state whatever order they arrive in (a late, earlier purchase moves a milestone back in time; it never
 * counts twice). Stages are the best reached: a downgrade or a quiet year does not take a stage away — decline is
 * what the churn overlays (at_risk, lapsed) say.
 */
export type Stage = (typeof JOURNEY_STAGES)[number];
export const STAGES: readonly Stage[] = JOURNEY_STAGES;

export interface Cause {
  readonly detailType: string;
  readonly eventId: string;
}

export type AnswerCategory = 'promoter' | 'passive' | 'detractor' | 'satisfied' | 'unsatisfied';

export type JourneyFact =
  | { readonly kind: 'purchase'; readonly at: string; readonly amountMinor: number }
  | { readonly kind: 'refund'; readonly at: string; readonly fullyRefunded: boolean }
  | { readonly kind: 'tier'; readonly at: string; readonly direction: 'up' | 'down' }
  | { readonly kind: 'attributed'; readonly at: string; readonly via: 'purchase' | 'signup' }
  | { readonly kind: 'referral_rewarded'; readonly at: string }
  | { readonly kind: 'survey_answered'; readonly at: string; readonly survey: 'nps' | 'csat'; readonly category: AnswerCategory }
  | { readonly kind: 'testimonial_approved'; readonly at: string }
  | { readonly kind: 'points'; readonly at: string; readonly balance: Balance; readonly earned: number; readonly redeemed: number };

export interface Balance {
  readonly available: number;
  readonly pending: number;
}

export interface Milestone {
  readonly at: string;
  readonly cause: Cause;
}

export interface HistoryEntry {
  readonly seq: number;
  readonly from: Stage | null;
  readonly to: Stage;
  readonly at: string;
  readonly cause: Cause;
}

export interface JourneyState {
  readonly customerId: string;
  /** 0 until first stored. */
  readonly version: number;
  /** The most recent purchase times, ascending (at most MAX_KEPT_PURCHASES); the count covers them all. */
  readonly purchaseTimes: readonly string[];
  /** The two earliest purchase times ever seen (the repeat milestone needs the second even when the list is capped). */
  readonly earliestPurchases: readonly string[];
  readonly purchaseCount: number;
  readonly monetaryMinor: number;
  /** Distinct months (yyyy-mm) with a purchase, ascending: the cohort triangle's cells. */
  readonly purchaseMonths: readonly string[];
  readonly refunds: readonly string[];
  readonly milestones: Readonly<Partial<Record<Stage, Milestone>>>;
  readonly stage: Stage | null;
  readonly history: readonly HistoryEntry[];
  readonly answers: Readonly<Record<AnswerCategory, number>>;
  readonly lastDetractorAt?: string;
  readonly attributed: boolean;
  readonly referralsRewarded: number;
  readonly testimonialsApproved: number;
  readonly balance?: Balance & { readonly at: string };
  readonly pointsEarned: number;
  readonly pointsRedeemed: number;
  /** The latest churn assessment (on every event about the customer, and by the daily review). */
  readonly churn?: ChurnAssessment;
  readonly erasedAt?: string;
}

/** Program rules (documented in the README, "Customer journey and retention"). */
export const LOYAL_PURCHASES = 5;
export const LOYAL_WINDOW_DAYS = 365;
/** Purchase times kept per customer (recency, gaps, the loyal window); older ones still count in purchaseCount. */
export const MAX_KEPT_PURCHASES = 200;
export const MAX_KEPT_REFUNDS = 50;
export const MAX_HISTORY = 100;
/** Cohort cells counted: months 1..24 after the first purchase. */
export const COHORT_MONTHS = 24;

const DAY_MS = 86_400_000;

export function emptyJourney(customerId: string): JourneyState {
  return {
    customerId,
    version: 0,
    purchaseTimes: [],
    earliestPurchases: [],
    purchaseCount: 0,
    monetaryMinor: 0,
    purchaseMonths: [],
    refunds: [],
    milestones: {},
    stage: null,
    history: [],
    answers: { promoter: 0, passive: 0, detractor: 0, satisfied: 0, unsatisfied: 0 },
    attributed: false,
    referralsRewarded: 0,
    testimonialsApproved: 0,
    pointsEarned: 0,
    pointsRedeemed: 0,
  };
}

const earlier = (a: string, b: string) => (Date.parse(a) <= Date.parse(b) ? a : b);
const byTime = (a: string, b: string) => Date.parse(a) - Date.parse(b);
export const monthOf = (at: string) => new Date(Date.parse(at)).toISOString().slice(0, 7);
export const dayOf = (at: string) => new Date(Date.parse(at)).toISOString().slice(0, 10);

/** Months from `from` (yyyy-mm) to `to` (yyyy-mm): 0 for the same month. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}

function insertSorted(list: readonly string[], at: string, keep: number): string[] {
  return [...list, at].sort(byTime).slice(-keep);
}

/** The facts' effect on the state's records (stage and milestones aside). */
function record(state: JourneyState, fact: JourneyFact): JourneyState {
  switch (fact.kind) {
    case 'purchase':
      return {
        ...state,
        purchaseTimes: insertSorted(state.purchaseTimes, fact.at, MAX_KEPT_PURCHASES),
        earliestPurchases: [...state.earliestPurchases, fact.at].sort(byTime).slice(0, 2),
        purchaseCount: state.purchaseCount + 1,
        monetaryMinor: state.monetaryMinor + fact.amountMinor,
        purchaseMonths: [...new Set([...state.purchaseMonths, monthOf(fact.at)])].sort(),
      };
    case 'refund':
      return { ...state, refunds: insertSorted(state.refunds, fact.at, MAX_KEPT_REFUNDS) };
    case 'attributed':
      return { ...state, attributed: true };
    case 'referral_rewarded':
      return { ...state, referralsRewarded: state.referralsRewarded + 1 };
    case 'survey_answered': {
      const lastDetractorAt = fact.category === 'detractor' ? (state.lastDetractorAt && Date.parse(state.lastDetractorAt) > Date.parse(fact.at) ? state.lastDetractorAt : fact.at) : state.lastDetractorAt;
      return { ...state, answers: { ...state.answers, [fact.category]: state.answers[fact.category] + 1 }, ...(lastDetractorAt ? { lastDetractorAt } : {}) };
    }
    case 'testimonial_approved':
      return { ...state, testimonialsApproved: state.testimonialsApproved + 1 };
    case 'points': {
      // The balance is the latest snapshot by the time it was taken: an older snapshot arriving late changes nothing.
      const newer = !state.balance || Date.parse(fact.at) >= Date.parse(state.balance.at);
      return {
        ...state,
        ...(newer ? { balance: { ...fact.balance, at: fact.at } } : {}),
        pointsEarned: state.pointsEarned + fact.earned,
        pointsRedeemed: state.pointsRedeemed + fact.redeemed,
      };
    }
    case 'tier':
      return state;
  }
}

/** The time this fact (with the state it produced) reached each stage's own rule, if it did. */
function reachedBy(state: JourneyState, fact: JourneyFact): Partial<Record<Stage, string>> {
  const reached: Partial<Record<Stage, string>> = {};
  if (fact.kind === 'attributed') {
    reached.aware = fact.at;
    if (fact.via === 'signup') reached.considering = fact.at;
  }
  if (fact.kind === 'survey_answered') reached.considering = fact.at;
  if (fact.kind === 'purchase') {
    reached.first_purchase = state.earliestPurchases[0];
    if (state.earliestPurchases[1]) reached.repeat = state.earliestPurchases[1];
    const loyalAt = nthPurchaseWithinWindow(state.purchaseTimes);
    if (loyalAt) reached.loyal = loyalAt;
  }
  if (fact.kind === 'tier' && fact.direction === 'up') reached.loyal = fact.at;
  if (fact.kind === 'referral_rewarded' || fact.kind === 'testimonial_approved') reached.advocate = fact.at;
  if (fact.kind === 'survey_answered' && fact.survey === 'nps' && fact.category === 'promoter') reached.advocate = fact.at;
  return reached;
}

/** The time of the first purchase that made LOYAL_PURCHASES within LOYAL_WINDOW_DAYS, if any. */
export function nthPurchaseWithinWindow(times: readonly string[], n = LOYAL_PURCHASES, windowDays = LOYAL_WINDOW_DAYS): string | undefined {
  for (let index = n - 1; index < times.length; index++) {
    const last = times[index] as string;
    const first = times[index - n + 1] as string;
    if (Date.parse(last) - Date.parse(first) <= windowDays * DAY_MS) return last;
  }
  return undefined;
}

export function highestStage(milestones: JourneyState['milestones']): Stage | null {
  let highest: Stage | null = null;
  for (const stage of STAGES) if (milestones[stage]) highest = stage;
  return highest;
}

export interface Applied {
  readonly state: JourneyState;
  /** The stage transition this fact caused, if any (at most one: the stage jumps straight to the highest reached). */
  readonly transition?: HistoryEntry;
}

/**
 * Applies one fact. Reaching a stage reaches every stage below it no later (a first purchase makes the customer aware
 * and considering at that moment, if nothing did before): the funnel never has more customers in a stage than in the
 * one before it.
 */
export function applyFact(state: JourneyState, fact: JourneyFact, cause: Cause): Applied {
  const recorded = record(state, fact);
  const milestones: Partial<Record<Stage, Milestone>> = { ...recorded.milestones };
  const reached = reachedBy(recorded, fact);
  for (let index = STAGES.length - 1; index >= 0; index--) {
    const stage = STAGES[index] as Stage;
    const own = reached[stage];
    const above = STAGES.slice(index + 1)
      .map((higher) => milestones[higher]?.at)
      .filter((at): at is string => at !== undefined)
      .reduce<string | undefined>((min, at) => (min ? earlier(min, at) : at), undefined);
    const candidate = [own, above].filter((at): at is string => at !== undefined).reduce<string | undefined>((min, at) => (min ? earlier(min, at) : at), undefined);
    const existing = milestones[stage];
    if (candidate && (!existing || Date.parse(candidate) < Date.parse(existing.at))) milestones[stage] = { at: candidate, cause };
  }
  const stage = highestStage(milestones);
  const next: JourneyState = { ...recorded, milestones, stage };
  if (stage === null || stage === state.stage) return { state: next };
  const seq = (state.history.at(-1)?.seq ?? 0) + 1;
  const transition: HistoryEntry = { seq, from: state.stage, to: stage, at: fact.at, cause };
  return { state: { ...next, history: [...state.history, transition].slice(-MAX_HISTORY) }, transition };
}

/** The median gap between consecutive purchases, in days (undefined below two purchases). */
export function medianGapDays(times: readonly string[]): number | undefined {
  if (times.length < 2) return undefined;
  const gaps = times.slice(1).map((at, index) => (Date.parse(at) - Date.parse(times[index] as string)) / DAY_MS).sort((a, b) => a - b);
  const middle = Math.floor(gaps.length / 2);
  const median = gaps.length % 2 === 1 ? (gaps[middle] as number) : ((gaps[middle - 1] as number) + (gaps[middle] as number)) / 2;
  return Math.round(median * 10) / 10;
}
