import { createHash } from 'node:crypto';
import * as z from 'zod';
import { toCsv } from './analytics';

/**
 * Win-back: when a customer becomes at risk, the rule decides once per cooldown whether they get the offer or fall
 * in the holdout (chosen by a hash of their id, so the same customer always lands in the same group), and the report
 * compares how many of each group came back within RETURN_WINDOW_DAYS — the holdout is what the offer is measured
 * against.
 */
export const RETURN_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

export const winBackRule = z.strictObject({
  enabled: z.boolean(),
  /** Bonus points credited through the loyalty ledger (reason `win-back`). */
  offer: z.strictObject({ kind: z.literal('points'), points: z.number().int().min(1).max(1_000_000) }),
  /** The share of at-risk customers who get nothing, to measure the offer against (0–50 %). */
  holdoutPercent: z.number().min(0).max(50).default(10),
  /** At most one decision (offer or holdout) per customer in this many days. */
  cooldownDays: z.number().int().min(1).max(730).default(90),
  /** When set, the offer's announcement carries an expiry this many days after it (for the merchant's mailer). */
  expiryDays: z.number().int().min(1).max(365).optional(),
});
export type WinBackRule = z.output<typeof winBackRule>;

export const journeySettingsInput = z.strictObject({ winBack: winBackRule });
export type JourneySettingsInput = z.output<typeof journeySettingsInput>;

export const storedJourneySettings = z.object({
  ...journeySettingsInput.shape,
  version: z.number().int().positive(),
  updatedAt: z.iso.datetime({ offset: true }),
  updatedBy: z.string(),
});
export interface JourneySettings extends JourneySettingsInput {
  readonly version: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/**
 * Whether a customer is in the holdout for `percent` %: the first 4 bytes of sha-256(customerId) as an unsigned
 * integer, mod 10,000, below percent × 100 — stable across deliveries, deployments and settings versions (raising the
 * percentage only adds customers to the holdout).
 */
export function inHoldout(customerId: string, percent: number): boolean {
  const bucket = createHash('sha256').update(customerId).digest().readUInt32BE(0) % 10_000;
  return bucket < Math.round(percent * 100);
}

/** The latest win-back decision about a customer (one item per customer: the cooldown looks at it). */
export interface WinBackDecision {
  readonly customerId: string;
  readonly group: 'offered' | 'holdout';
  /** The deterministic id of this decision (also the loyalty credit's key for an offer). */
  readonly offerId: string;
  readonly decidedAt: string;
  /** When the customer became at risk: the return window starts here for both groups. */
  readonly atRiskAt: string;
  readonly lastPurchaseAt: string;
  readonly score: number;
  /** The points offered (0 for the holdout). */
  readonly points: number;
  readonly expiresAt?: string;
  /** The first purchase within the return window, once there is one. */
  readonly returnedAt?: string;
  readonly version: number;
}

export interface AtRiskNotice {
  readonly customerId: string;
  readonly score: number;
  readonly lastPurchaseAt: string;
  readonly assessedAt: string;
}

export type WinBackOutcome =
  | { readonly kind: 'decided'; readonly decision: WinBackDecision }
  | { readonly kind: 'disabled' }
  | { readonly kind: 'cooling-down'; readonly until: string };

/**
 * The rule applied to one at-risk notice: nothing when the rule is off or the customer's previous decision is within
 * the cooldown; otherwise the holdout or the offer. `purchaseTimes` are the customer's known purchases: one already
 * inside the window (a purchase processed before this notice) counts as the return.
 */
export function decideWinBack(rule: WinBackRule | undefined, notice: AtRiskNotice, previous: WinBackDecision | undefined, purchaseTimes: readonly string[], now: string): WinBackOutcome {
  if (!rule?.enabled) return { kind: 'disabled' };
  if (previous) {
    const until = new Date(Date.parse(previous.atRiskAt) + rule.cooldownDays * DAY_MS).toISOString();
    if (Date.parse(notice.assessedAt) < Date.parse(until)) return { kind: 'cooling-down', until };
  }
  const holdout = inHoldout(notice.customerId, rule.holdoutPercent);
  const returnedAt = purchaseTimes.find((at) => returnedWithin(notice.assessedAt, at));
  const decision: WinBackDecision = {
    customerId: notice.customerId,
    group: holdout ? 'holdout' : 'offered',
    offerId: winBackOfferId(notice.customerId, notice.lastPurchaseAt),
    decidedAt: now,
    atRiskAt: notice.assessedAt,
    lastPurchaseAt: notice.lastPurchaseAt,
    score: notice.score,
    points: holdout ? 0 : rule.offer.points,
    ...(!holdout && rule.expiryDays ? { expiresAt: new Date(Date.parse(now) + rule.expiryDays * DAY_MS).toISOString() } : {}),
    ...(returnedAt ? { returnedAt } : {}),
    version: (previous?.version ?? 0) + 1,
  };
  return { kind: 'decided', decision };
}

/** One offer per lapse: the lapse is named by the customer's last purchase before it (as CustomerAtRisk's event id is). */
export function winBackOfferId(customerId: string, lastPurchaseAt: string): string {
  return `winback-${createHash('sha256').update(`${customerId}\n${lastPurchaseAt}`).digest('hex').slice(0, 24)}`;
}

/** A purchase at `purchaseAt` is a return when it falls in [atRiskAt, atRiskAt + RETURN_WINDOW_DAYS). */
export function returnedWithin(atRiskAt: string, purchaseAt: string): boolean {
  const start = Date.parse(atRiskAt);
  const at = Date.parse(purchaseAt);
  return at >= start && at < start + RETURN_WINDOW_DAYS * DAY_MS;
}

/** The counter attributes a decision adds, and those a return adds. */
export function decisionCounters(decision: WinBackDecision): Record<string, number> {
  return {
    [decision.group]: 1,
    ...(decision.group === 'offered' ? { pointsOffered: decision.points } : {}),
    ...(decision.returnedAt ? { [`${decision.group}Returned`]: 1 } : {}),
  };
}
export function returnCounters(decision: WinBackDecision): Record<string, number> {
  return { [`${decision.group}Returned`]: 1 };
}

export interface WinBackGroupReport {
  readonly customers: number;
  readonly returnedWithin30Days: number;
  readonly returnRate: number | null;
}
export interface WinBackReport {
  readonly offered: WinBackGroupReport;
  readonly holdout: WinBackGroupReport;
  /** The offered group's return rate minus the holdout's (null until both groups have customers). */
  readonly rateDifference: number | null;
  readonly pointsSpent: number;
}

const rounded = (value: number) => Math.round(value * 10_000) / 10_000;

export function winBackReport(totals: Readonly<Record<string, number>>): WinBackReport {
  const group = (name: 'offered' | 'holdout'): WinBackGroupReport => {
    const customers = totals[name] ?? 0;
    const returned = totals[`${name}Returned`] ?? 0;
    return { customers, returnedWithin30Days: returned, returnRate: customers === 0 ? null : rounded(returned / customers) };
  };
  const offered = group('offered');
  const holdout = group('holdout');
  return {
    offered,
    holdout,
    rateDifference: offered.returnRate === null || holdout.returnRate === null ? null : rounded(offered.returnRate - holdout.returnRate),
    pointsSpent: totals.pointsOffered ?? 0,
  };
}

export function winBackCsv(report: WinBackReport): string {
  return toCsv(
    ['group', 'customers', 'returned_within_30_days', 'return_rate'],
    [
      ['offered', report.offered.customers, report.offered.returnedWithin30Days, report.offered.returnRate],
      ['holdout', report.holdout.customers, report.holdout.returnedWithin30Days, report.holdout.returnRate],
      ['difference', null, null, report.rateDifference],
      ['points_spent', report.pointsSpent, null, null],
    ],
  );
}
