import { medianGapDays, type JourneyState } from './journey';

/**
 * Churn risk, explainable: a score 0–100 that is the sum of named signals, each reported with its value and the
 * points it added. Program defaults (README, "Customer journey and retention"):
 * - recency: days since the last purchase over the customer's own median gap between purchases (DEFAULT_GAP_DAYS
 *   for a one-time buyer); nothing up to 1×, then 30 points per gap beyond it, at most 70 — 3× the usual gap alone
 *   makes a customer at risk;
 * - frequency (a simpler signal than RFM quintiles, which need the whole population ranked): one purchase 10, two 5;
 * - refunds in the last 90 days: 10 each, at most 20;
 * - a detractor answer in the last 180 days: 15.
 * The overlay: `lapsed` past LAPSED_GAPS× the gap, else `at_risk` at AT_RISK_SCORE or more.
 */
export const DEFAULT_GAP_DAYS = 60;
export const AT_RISK_SCORE = 60;
export const LAPSED_GAPS = 6;
const RECENCY_POINTS_PER_GAP = 30;
const MAX_RECENCY_POINTS = 70;
const DAY_MS = 86_400_000;

export type Overlay = 'at_risk' | 'lapsed';

export interface ChurnReason {
  readonly signal: 'recency' | 'frequency' | 'refunds' | 'detractor';
  /** The signal's value: gaps since the last purchase, purchases, recent refunds, days since the detractor answer. */
  readonly value: number;
  readonly points: number;
  readonly detail: string;
}

export interface ChurnAssessment {
  readonly score: number;
  readonly reasons: readonly ChurnReason[];
  readonly overlay: Overlay | null;
  readonly assessedAt: string;
  readonly lastPurchaseAt: string;
  readonly expectedGapDays: number;
  /** When the score may next cross a threshold without any new event (the daily schedule reassesses then). */
  readonly reviewAt?: string;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The assessment at `now` of a customer with at least one purchase (undefined before any). */
export function assessChurn(state: JourneyState, now: string): ChurnAssessment | undefined {
  const lastPurchaseAt = state.purchaseTimes.at(-1);
  if (!lastPurchaseAt) return undefined;
  const at = Date.parse(now);
  const expectedGapDays = Math.max(1, medianGapDays(state.purchaseTimes) ?? DEFAULT_GAP_DAYS);
  const daysSince = Math.max(0, (at - Date.parse(lastPurchaseAt)) / DAY_MS);
  const gaps = daysSince / expectedGapDays;
  const reasons: ChurnReason[] = [];
  const recencyPoints = gaps <= 1 ? 0 : Math.min(MAX_RECENCY_POINTS, Math.round((gaps - 1) * RECENCY_POINTS_PER_GAP));
  if (recencyPoints > 0) reasons.push({ signal: 'recency', value: round1(gaps), points: recencyPoints, detail: `${Math.floor(daysSince)} days since the last purchase, ${round1(gaps)}× the usual ${round1(expectedGapDays)}-day gap` });
  const frequencyPoints = state.purchaseCount === 1 ? 10 : state.purchaseCount === 2 ? 5 : 0;
  if (frequencyPoints > 0) reasons.push({ signal: 'frequency', value: state.purchaseCount, points: frequencyPoints, detail: `${state.purchaseCount} purchase${state.purchaseCount === 1 ? '' : 's'} so far` });
  const recentRefunds = state.refunds.filter((refund) => at - Date.parse(refund) <= 90 * DAY_MS && Date.parse(refund) <= at).length;
  if (recentRefunds > 0) reasons.push({ signal: 'refunds', value: recentRefunds, points: Math.min(20, 10 * recentRefunds), detail: `${recentRefunds} refund${recentRefunds === 1 ? '' : 's'} in the last 90 days` });
  if (state.lastDetractorAt) {
    const days = (at - Date.parse(state.lastDetractorAt)) / DAY_MS;
    if (days >= 0 && days <= 180) reasons.push({ signal: 'detractor', value: Math.floor(days), points: 15, detail: `a detractor answer ${Math.floor(days)} days ago` });
  }
  const score = Math.min(100, reasons.reduce((sum, reason) => sum + reason.points, 0));
  const overlay: Overlay | null = gaps >= LAPSED_GAPS ? 'lapsed' : score >= AT_RISK_SCORE ? 'at_risk' : null;
  const others = score - recencyPoints;
  // The gaps at which recency alone would carry the score over the next threshold.
  const nextGaps = overlay === 'lapsed' ? undefined : overlay === 'at_risk' ? LAPSED_GAPS : Math.min(LAPSED_GAPS, 1 + Math.max(0, AT_RISK_SCORE - others) / RECENCY_POINTS_PER_GAP);
  const reviewAt = nextGaps === undefined ? undefined : new Date(Math.max(at + 1, Date.parse(lastPurchaseAt) + Math.ceil(nextGaps * expectedGapDays * DAY_MS))).toISOString();
  return { score, reasons, overlay, assessedAt: now, lastPurchaseAt, expectedGapDays: round1(expectedGapDays), ...(reviewAt ? { reviewAt } : {}) };
}

/** The overlay a new assessment enters (announced once per episode: a purchase ends it), if it entered one. */
export function enteredOverlay(before: ChurnAssessment | undefined, after: ChurnAssessment | undefined): Overlay | undefined {
  if (!after?.overlay) return undefined;
  const same = before?.overlay === after.overlay && before.lastPurchaseAt === after.lastPurchaseAt;
  return same ? undefined : after.overlay;
}
