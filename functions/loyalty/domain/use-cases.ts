import { randomBytes, randomUUID } from 'node:crypto';
import { fingerprintOf } from '../../../shared/domain/fingerprint';
import { minorUnitsField } from '../../../shared/domain/money';
import { AccountLimitError, addDays, DUE_SHARDS, unspentInLot, type Account, type LedgerEntry, type Lot } from './account';
import {
  expiringSoon,
  orderLotId,
  planAdjustment,
  planEarn,
  planExpiry,
  planRedeem,
  planRedemptionCancel,
  planRelease,
  planReversal,
  planNothing,
  planReferralCoupon,
  planReferralPoints,
  planWinBackPoints,
  planTierReview,
  referralCreditKey,
  referralRedemptionId,
  winBackCreditKey,
  type Plan,
  type ReferralRole,
  type SpendRefusal,
} from './operations';
import { thresholdMinor, tierRank, type Program, type ProgramInput } from './program';
import type { Redemption, Reward } from './records';
import { ConcurrencyExhaustedError, RETRY, retryOnConflict, type RetryPolicy } from '../../../shared/domain/optimistic';
import type { CommitIntent, CommitOutcome, DueKind, LoyaltyStore } from './store';
import { sweepDue } from '../../../shared/schedules/sweep';

/**
 * The loyalty use cases. Each change reads the account, plans it purely, and commits one transaction
 * conditioned on the account version; a concurrent change makes it re-read and plan again (bounded, with
 * jittered backoff), so effects apply exactly once and balances never overdraw.
 */
type Store = LoyaltyStore;
/** One customer's account is a hot item under bursts of awards, redemptions and adjustments: many short retries. */
const ACCOUNT_RETRIES: RetryPolicy = { maxAttempts: 40, baseDelayMs: 5, maxDelayMs: 300 };
export { ConcurrencyExhaustedError };

function retrying<T>(what: string, attemptOnce: (attempt: number) => Promise<T | typeof RETRY>): Promise<T> {
  return retryOnConflict(what, ACCOUNT_RETRIES, attemptOnce);
}

/**
 * A tiered account (downgrade policy "reevaluate") is due for review a day after a write finds it without a pending
 * review; a review already due stays where it is. Moving it on every write would move the account in the due-time
 * index each time (two index writes: issue 9), and reviewing sooner is harmless — a review that finds the tier still
 * earned schedules the next one.
 */
function withTierReview(plan: Plan, program: Program | undefined): Plan {
  const account = plan.change.account;
  const reviewable = program?.tierDowngrade === 'reevaluate' && tierRank(program, account.tier?.name) > 0;
  const pending = plan.change.before.tierReviewAt !== undefined && plan.change.before.tierReviewAt > plan.change.now ? plan.change.before.tierReviewAt : undefined;
  plan.change.update({ tierReviewAt: reviewable ? (pending ?? addDays(plan.change.now, 1)) : undefined });
  return plan;
}

// ---- program

export type ProgramSave = { kind: 'saved'; program: Program } | { kind: 'conflict' };

export async function saveProgram(store: Store, input: ProgramInput, by: string, now: string): Promise<ProgramSave> {
  const current = await store.getProgram();
  const program: Program = { ...input, version: (current?.version ?? 0) + 1, updatedAt: now, updatedBy: by };
  const outcome = await store.saveProgram(program, current?.version ?? 0);
  return outcome === 'saved' ? { kind: 'saved', program } : { kind: 'conflict' };
}

// ---- earning and reversal (event consumers)

export interface PurchaseData {
  storeId: string;
  orderId: string;
  customerId: string;
  amountMinor: number;
  currency: string;
  items: { sku?: string; category?: string; quantity: number; unitPriceMinor?: number }[];
  occurredAt: string;
}

export async function awardPurchase(store: Store, purchase: PurchaseData, now: string): Promise<'awarded' | 'already-awarded'> {
  return retrying(`award of order ${purchase.orderId}`, async () => {
    if (await store.getEarn(purchase.customerId, purchase.storeId, purchase.orderId)) return 'already-awarded';
    const [account, program] = await Promise.all([store.getAccount(purchase.customerId), store.getProgram()]);
    const windowSpend = program ? await store.spendSince(purchase.customerId, addDays(now, -program.tierWindowDays)) : 0;
    let earn: Plan;
    try {
      earn = planEarn(account, program, purchase, windowSpend, now);
    } catch (error) {
      if (!(error instanceof AccountLimitError)) throw error;
      earn = planEarn(account, program, purchase, windowSpend, now, { accountLimitReached: true });
    }
    const plan = withTierReview(earn, program);
    const outcome = await store.commit(plan, { program });
    return outcome.kind === 'committed' ? 'awarded' : RETRY;
  });
}

/** Thrown when a refund arrives before its purchase was awarded: the event is retried later. */
export class EarnNotRecordedError extends Error {}

export interface RefundData {
  storeId: string;
  orderId: string;
  refundId: string;
  customerId: string;
  purchaseAmountMinor: number;
  refundedTotalMinor: number;
  fullyRefunded: boolean;
}

export async function reversePurchase(store: Store, refund: RefundData, now: string): Promise<'reversed' | 'already-reversed'> {
  return retrying(`reversal of refund ${refund.refundId}`, async () => {
    // The account first: every change to earn records and lots bumps its version, so what we read next is at least
    // as new as the version the commit is conditioned on.
    const account = await store.getAccount(refund.customerId);
    const earn = await store.getEarn(refund.customerId, refund.storeId, refund.orderId);
    if (!earn) throw new EarnNotRecordedError(`order ${refund.orderId} has not been awarded yet; retry later`);
    if (earn.appliedRefunds.includes(refund.refundId)) return 'already-reversed';
    const [program, lot] = await Promise.all([store.getProgram(), store.getLot(refund.customerId, orderLotId(refund.storeId, refund.orderId))]);
    const plan = planReversal(account, earn, lot, refund, program?.refundPolicy ?? 'within_balance', now);
    const outcome = await store.commit(plan, { program });
    return outcome.kind === 'committed' ? 'reversed' : RETRY;
  });
}

// ---- schedules

export interface ScheduleReport {
  readonly schedule: string;
  processed: number;
  changed: number;
  /** True when the run stopped (its time or budget spent) with due items left: the schedule's next invocation continues. */
  more: boolean;
  /** Index pages read, and shards read to their end (of DUE_SHARDS). */
  pages: number;
  shardsDone: number;
}

/** How a schedule run may spend itself (the schedule stack passes the invocation's time; tests and the bench a budget). */
export interface ScheduleLimits {
  /** Milliseconds left to start new work; the run stops, reporting `more`, when none are. */
  readonly timeLeftMs?: () => number;
  /** At most this many due items in this run. */
  readonly budget?: number;
  /** Due items in flight at once, over all shards (one customer's are always one at a time). */
  readonly concurrency?: number;
  readonly pageSize?: number;
}

/**
 * Due items in flight at once (each is two reads and a transaction, ~20-30 ms on DynamoDB: ~300 items/s from one
 * invocation). Measured on DynamoDB Local, more does not help: its transactions serialize, and at 16-32 in flight each
 * takes seconds instead of tens of milliseconds, so the whole run slows down.
 */
export const SCHEDULE_CONCURRENCY = 8;
const DUE_PAGE_SIZE = 100;

/** The customer (and lot) a due-index entry stands for, from its keys alone (the index need project nothing else). */
export function dueItemRef(item: Record<string, unknown>): { customerId: string; lotId?: string } {
  const { customerId, lotId } = item;
  if (typeof customerId !== 'string' || customerId === '') throw new Error('a due item without its customer');
  return typeof lotId === 'string' && lotId !== '' ? { customerId, lotId } : { customerId };
}

function lotIdOf(item: Record<string, unknown>): { customerId: string; lotId: string } {
  const ref = dueItemRef(item);
  if (ref.lotId === undefined) throw new Error(`a due lot of customer ${ref.customerId} without its lot id`);
  return { customerId: ref.customerId, lotId: ref.lotId };
}

/**
 * Pages through the due-time index: every shard at once, each until it has no due items left or the run's time or
 * budget is spent (shared/schedules/sweep.ts). One customer's items are handled one at a time, oldest first.
 */
async function processDue(
  store: Store,
  kind: DueKind,
  now: string,
  limits: ScheduleLimits,
  handle: (item: Record<string, unknown>) => Promise<boolean>,
  schedule: string,
): Promise<ScheduleReport> {
  const pageSize = limits.pageSize ?? DUE_PAGE_SIZE;
  const swept = await sweepDue({
    shards: DUE_SHARDS,
    page: (shard, cursor) => store.dueItems(kind, shard, now, pageSize, cursor),
    orderKey: (item) => dueItemRef(item).customerId,
    handle,
    concurrency: limits.concurrency ?? SCHEDULE_CONCURRENCY,
    ...(limits.timeLeftMs ? { timeLeftMs: limits.timeLeftMs } : {}),
    ...(limits.budget !== undefined ? { budget: limits.budget } : {}),
  });
  return { schedule, ...swept };
}

/**
 * The lot schedules' shared step: re-read the account (first: see reversePurchase) and the lot, skip it unless it is
 * still due, plan, commit; retried on conflicts. Counts as a change when the plan wrote ledger entries.
 */
function dueLotStep(
  store: Store,
  program: Program | undefined,
  now: string,
  what: string,
  isDue: (lot: Lot) => boolean,
  planFor: (account: Account, lot: Lot) => Plan,
) {
  return async (item: Record<string, unknown>): Promise<boolean> => {
    const { customerId, lotId } = lotIdOf(item);
    return retrying(`${what} of ${lotId}`, async () => {
      const account = await store.getAccount(customerId);
      const current = await store.getLot(customerId, lotId);
      if (!current || !isDue(current)) return false;
      const plan = withTierReview(planFor(account, current), program);
      const outcome = await store.commit(plan, { program });
      if (outcome.kind !== 'committed') return RETRY;
      return plan.change.entries.length > 0;
    });
  };
}

export async function releaseDuePoints(store: Store, now: string, limits: ScheduleLimits = {}): Promise<ScheduleReport> {
  const program = await store.getProgram();
  const step = dueLotStep(store, program, now, 'release', (lot) => lot.status === 'pending' && (lot.pendingUntil ?? '') <= now, (account, lot) => planRelease(account, lot, program, now));
  return processDue(store, 'RELEASE', now, limits, step, 'release');
}

export async function expireDuePoints(store: Store, now: string, limits: ScheduleLimits = {}): Promise<ScheduleReport> {
  const program = await store.getProgram();
  const step = dueLotStep(store, program, now, 'expiry', (lot) => lot.status === 'available' && (lot.expiresAt ?? '') <= now, (account, lot) => planExpiry(account, lot, now));
  return processDue(store, 'EXPIRE', now, limits, step, 'expire');
}

export async function sendExpiryReminders(store: Store, now: string, limits: ScheduleLimits = {}): Promise<ScheduleReport> {
  return processDue(store, 'REMIND', now, limits, async (item) => {
    const { customerId, lotId } = lotIdOf(item);
    // The account first (see reversePurchase), then the lot as stored now (the index copy may lag behind it).
    const account = await store.getAccount(customerId);
    const lot = await store.getLot(customerId, lotId);
    if (!lot || lot.status !== 'available' || lot.reminded) return false;
    const event = expiringSoon(account, lot, now);
    await store.markReminded(lot, event);
    return event !== undefined;
  }, 'remind');
}

export async function reviewTiers(store: Store, now: string, limits: ScheduleLimits = {}): Promise<ScheduleReport> {
  const program = await store.getProgram();
  return processDue(store, 'TIER', now, limits, async (item) => {
    if (!program) return false;
    const { customerId } = dueItemRef(item);
    return retrying(`tier review of a customer`, async () => {
      const account = await store.getAccount(customerId);
      if (!account.tierReviewAt || account.tierReviewAt > now) return false;
      const spend = await store.spendSince(customerId, addDays(now, -program.tierWindowDays));
      const reviewed = planTierReview(account, program, spend, now);
      const plan = withTierReview(reviewed ?? planNothing(account, now), program);
      const outcome = await store.commit(plan, { program });
      if (outcome.kind !== 'committed') return RETRY;
      return reviewed !== undefined;
    });
  }, 'tier-review');
}

// ---- balance

export interface BalanceView {
  customerId: string;
  available: number;
  pending: number;
  lifetimeEarned: number;
  redeemed: number;
  expired: number;
  tier: { name: string; since: string | null; multiplier: number; benefits?: string } | null;
  nextTier: { name: string; remainingSpend: string; remainingSpendMinor: number; currency: string } | null;
  expiringSoon: { points: number; expiresAt: string } | null;
  qualifyingSpend: { amount: string; amountMinor: number | string; currency: string; windowDays: number } | null;
}

export async function balance(store: Store, customerId: string, now: string, format: (minor: number | bigint, currency: string) => string): Promise<BalanceView> {
  const [account, program, { lots, spend }] = await Promise.all([store.getAccount(customerId), store.getProgramCached(), store.lotsAndSpend(customerId)]);
  const tierName = account.tier?.name ?? program?.tiers[0]?.name;
  const tier = program?.tiers.find((candidate) => candidate.name === tierName);
  let nextTier: BalanceView['nextTier'] = null;
  let qualifyingSpend: BalanceView['qualifyingSpend'] = null;
  if (program) {
    const windowStart = addDays(now, -program.tierWindowDays);
    // Summed over an unbounded number of purchases: exact with BigInt (a string of digits beyond 2^53 − 1).
    const spent = spend.filter((record) => record.occurredAt >= windowStart).reduce((sum, record) => sum + BigInt(record.baseAmountMinor), 0n);
    qualifyingSpend = { amount: format(spent, program.baseCurrency), amountMinor: minorUnitsField(spent), currency: program.baseCurrency, windowDays: program.tierWindowDays };
    const next = program.tiers[tierRank(program, tierName) + 1];
    if (next) {
      const threshold = BigInt(thresholdMinor(program, next.threshold));
      const remaining = Number(threshold > spent ? threshold - spent : 0n);
      nextTier = { name: next.name, remainingSpend: format(remaining, program.baseCurrency), remainingSpendMinor: remaining, currency: program.baseCurrency };
    }
  }
  const reminderHorizon = addDays(now, program?.expiryReminderDays ?? 30);
  const soon = lots
    .filter((lot) => lot.expiresAt && lot.expiresAt <= reminderHorizon && unspentInLot(account, lot) > 0)
    .sort((a, b) => (a.expiresAt ?? '').localeCompare(b.expiresAt ?? ''));
  const first = soon[0];
  const expiring = first ? { points: soon.filter((lot) => lot.expiresAt === first.expiresAt).reduce((sum, lot) => sum + unspentInLot(account, lot), 0), expiresAt: first.expiresAt as string } : null;
  return {
    customerId,
    available: account.available,
    pending: account.pending,
    lifetimeEarned: account.lifetimeEarned,
    redeemed: account.redeemed,
    expired: account.expired,
    tier: tier ? { name: tier.name, since: account.tier?.since ?? null, multiplier: tier.multiplier, ...(tier.benefits ? { benefits: tier.benefits } : {}) } : null,
    nextTier,
    expiringSoon: expiring,
    qualifyingSpend,
  };
}

// ---- adjustments

export interface AdjustmentRequest {
  readonly customerId: string;
  readonly adjustmentId: string;
  readonly points: number;
  readonly reason: string;
  readonly by: string;
}

export type AdjustmentResult =
  | { kind: 'created' | 'replayed'; entryId: string; balance: { available: number; pending: number } }
  | { kind: 'conflict' }
  | { kind: 'insufficient-points'; available: number }
  | { kind: 'limit-exceeded' }
  /** The batch's time ran out before this item was tried: nothing was written for it; it can be sent again. */
  | { kind: 'not-attempted' }
  /** Its transaction failed (contention that outlasted every retry, or storage unavailable); safe to send again. */
  | { kind: 'failed'; reason: string };

/** One adjustment: idempotent on adjustmentId (same points and reason → the original result). */
export async function adjustPoints(store: Store, adjustment: AdjustmentRequest, now: string): Promise<AdjustmentResult> {
  const [result] = await adjustCustomerPoints(store, adjustment.customerId, [adjustment], now);
  if (!result) throw new Error('one adjustment has one result');
  return result;
}

/**
 * Up to 30 adjustments of one customer per transaction (account, and per adjustment its ledger entry, lot and
 * marker: at most 91 of DynamoDB's 100 items), in the order given, so a thousand adjustments of one customer
 * take ~34 transactions instead of a thousand racing ones. Each item settles once: applied, replayed, conflict or
 * refused; past `deadline` (epoch ms) no new chunk starts and the rest are `not-attempted` (nothing written).
 */
export const ADJUSTMENTS_PER_TRANSACTION = 30;

export async function adjustCustomerPoints(
  store: Store,
  customerId: string,
  adjustments: readonly AdjustmentRequest[],
  now: string,
  deadline = Number.POSITIVE_INFINITY,
): Promise<AdjustmentResult[]> {
  const results: AdjustmentResult[] = [];
  for (let offset = 0; offset < adjustments.length; offset += ADJUSTMENTS_PER_TRANSACTION) {
    const chunk = adjustments.slice(offset, offset + ADJUSTMENTS_PER_TRANSACTION);
    if (Date.now() >= deadline) {
      results.push(...chunk.map(() => ({ kind: 'not-attempted' }) as const));
      continue;
    }
    try {
      results.push(...(await retrying(`adjustments of a customer`, () => adjustChunk(store, customerId, chunk, now))));
    } catch (error) {
      // Every attempt lost its condition, so nothing of this chunk was written: settle its items rather than fail
      // the whole batch; a retry with the same adjustmentIds applies them.
      if (!(error instanceof ConcurrencyExhaustedError)) throw error;
      results.push(...chunk.map(() => ({ kind: 'failed', reason: 'the account kept changing concurrently' }) as const));
    }
  }
  return results;
}

async function adjustChunk(store: Store, customerId: string, chunk: readonly AdjustmentRequest[], now: string): Promise<AdjustmentResult[] | typeof RETRY> {
  const fingerprints = chunk.map((adjustment) => fingerprintOf({ points: adjustment.points, reason: adjustment.reason }));
  const [markers, account, program] = await Promise.all([
    Promise.all(chunk.map((adjustment) => store.getMarker(customerId, 'ADJUST', adjustment.adjustmentId))),
    store.getAccount(customerId),
    store.getProgram(),
  ]);
  const results: AdjustmentResult[] = [];
  const intents: CommitIntent[] = [];
  const planned = new Map<string, { fingerprint: string; result: AdjustmentResult }>();
  let combined: Plan | undefined;
  chunk.forEach((adjustment, index) => {
    const fingerprint = fingerprints[index] as string;
    const marker = markers[index];
    const earlier = planned.get(adjustment.adjustmentId);
    if (marker) {
      // Applied by an earlier request: the same request replays its result, different details conflict.
      results.push(marker.fingerprint === fingerprint ? { kind: 'replayed', entryId: marker.entryId as string, balance: marker.balance as { available: number; pending: number } } : { kind: 'conflict' });
      return;
    }
    if (earlier) {
      // The same adjustmentId twice in one batch: judged like a retry of the first.
      if (earlier.fingerprint !== fingerprint) results.push({ kind: 'conflict' });
      else results.push(earlier.result.kind === 'created' ? { ...earlier.result, kind: 'replayed' } : earlier.result);
      return;
    }
    // Plan alone first: a refusal or an account limit must not leave a half-applied step in the combined plan.
    const base = combined?.change.account ?? account;
    let trial: Plan | SpendRefusal;
    try {
      trial = planAdjustment(base, adjustment, program, now);
    } catch (error) {
      if (!(error instanceof AccountLimitError)) throw error;
      planned.set(adjustment.adjustmentId, { fingerprint, result: { kind: 'limit-exceeded' } });
      results.push({ kind: 'limit-exceeded' });
      return;
    }
    if ('kind' in trial) {
      planned.set(adjustment.adjustmentId, { fingerprint, result: trial });
      results.push(trial);
      return;
    }
    combined = planAdjustment(account, adjustment, program, now, combined) as Plan;
    const entry = combined.change.entries.at(-1) as LedgerEntry;
    const result = { kind: 'created', entryId: entry.entryId, balance: entry.balanceAfter } as const;
    planned.set(adjustment.adjustmentId, { fingerprint, result });
    results.push(result);
    intents.push({ kind: 'remember', customerId, marker: 'ADJUST', key: adjustment.adjustmentId, value: { fingerprint, entryId: entry.entryId, balance: entry.balanceAfter, by: adjustment.by, at: now } });
  });
  if (!combined) return results;
  const outcome: CommitOutcome = await store.commit(withTierReview(combined, program), { program, intents });
  // A conflict (another change of the account, or the same adjustmentId committed by a concurrent request) re-reads.
  return outcome.kind === 'committed' ? results : RETRY;
}

// ---- rewards and redemptions

export type RedeemResult =
  | { kind: 'created' | 'replayed'; redemption: Redemption; balance: { available: number; pending: number } }
  | { kind: 'idempotency-mismatch' }
  | { kind: 'unknown-reward' }
  | { kind: 'inactive-reward' }
  | { kind: 'insufficient-points'; available: number; cost: number }
  | { kind: 'out-of-stock' }
  | { kind: 'limit-reached'; limit: number }
  | { kind: 'tier-too-low'; required: string; current: string | undefined };

export function newCouponCode(): string {
  // 80 random bits in Crockford-style base32 (no I, L, O, U): unguessable, easy to read out.
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = randomBytes(16);
  const chars = Array.from({ length: 16 }, (_, index) => alphabet[(bytes[index] as number) % 32]).join('');
  return `LL-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}-${chars.slice(12, 16)}`;
}

export async function redeemReward(
  store: Store,
  request: { customerId: string; rewardId: string; idempotencyKey: string; requestedBy: string },
  now: string,
): Promise<RedeemResult> {
  const fingerprint = fingerprintOf({ customerId: request.customerId, rewardId: request.rewardId });
  const redemptionId = randomUUID();
  const couponCode = newCouponCode();
  // Keys are the caller's own: a key store A used never replays to store B (or to the customer) as theirs.
  const markerKey = `${request.requestedBy}#${request.idempotencyKey}`;
  return retrying(`redemption ${request.idempotencyKey}`, async () => {
    const previous = await callerMarker(store, request.customerId, markerKey, request.idempotencyKey, request.requestedBy);
    if (previous) {
      if (previous.marker.fingerprint !== fingerprint) return { kind: 'idempotency-mismatch' } as const;
      // The redemption as it is now (a replay must not claim a cancelled or used redemption is still active).
      const redemption = previous.redemption ?? (await store.getRedemption(previous.marker.redemptionId as string));
      if (!redemption) return RETRY;
      return { kind: 'replayed', redemption, balance: previous.marker.balance as { available: number; pending: number } } as const;
    }
    const [account, program, reward] = await Promise.all([store.getAccount(request.customerId), store.getProgram(), store.getReward(request.rewardId)]);
    if (!reward) return { kind: 'unknown-reward' } as const;
    if (!reward.active) return { kind: 'inactive-reward' } as const;
    if (reward.minimumTier && program && tierRank(program, account.tier?.name ?? program.tiers[0]?.name) < tierRank(program, reward.minimumTier)) {
      return { kind: 'tier-too-low', required: reward.minimumTier, current: account.tier?.name ?? program.tiers[0]?.name } as const;
    }
    if (reward.stock !== undefined && reward.stock <= 0) return { kind: 'out-of-stock' } as const;
    if (reward.perCustomerLimit !== undefined && (account.redemptionsByReward[reward.rewardId] ?? 0) >= reward.perCustomerLimit) {
      return { kind: 'limit-reached', limit: reward.perCustomerLimit } as const;
    }
    const redemption: Redemption = {
      redemptionId,
      customerId: request.customerId,
      rewardId: reward.rewardId,
      rewardName: reward.name,
      pointsSpent: reward.costPoints,
      couponCode,
      status: 'active',
      createdAt: now,
      requestedBy: request.requestedBy,
    };
    const plan = planRedeem(account, redemption, now);
    if ('kind' in plan) return { kind: 'insufficient-points', available: plan.available, cost: reward.costPoints } as const;
    const entry = plan.change.entries[0] as NonNullable<(typeof plan.change.entries)[0]>;
    const intents: CommitIntent[] = [
      { kind: 'remember', customerId: request.customerId, marker: 'IDEMP', key: markerKey, value: { fingerprint, redemptionId, balance: entry.balanceAfter, by: request.requestedBy, at: now } },
      { kind: 'save-redemption', redemption, expect: 'new' },
      ...(reward.stock !== undefined ? [{ kind: 'take-stock', rewardId: reward.rewardId } as const] : []),
    ];
    const outcome = await store.commit(withTierReview(plan, program), { program, intents });
    if (outcome.kind === 'committed') return { kind: 'created', redemption, balance: entry.balanceAfter } as const;
    // The last unit went to someone else meanwhile; any other conflict (the account, a concurrent same key) re-reads.
    if (outcome.on === 'stock') return { kind: 'out-of-stock' } as const;
    return RETRY;
  });
}

/**
 * The caller's marker for an Idempotency-Key. Markers written before keys were scoped by caller (`IDEMP#<key>`)
 * still replay, but only to the caller whose redemption they made.
 */
async function callerMarker(store: Store, customerId: string, markerKey: string, idempotencyKey: string, caller: string): Promise<{ marker: Record<string, unknown>; redemption?: Redemption } | undefined> {
  const scoped = await store.getMarker(customerId, 'IDEMP', markerKey);
  if (scoped) return { marker: scoped };
  const legacy = await store.getMarker(customerId, 'IDEMP', idempotencyKey);
  if (!legacy || legacy.by !== undefined) return undefined;
  const redemption = await store.getRedemption(legacy.redemptionId as string);
  return redemption && redemption.requestedBy === caller ? { marker: legacy, redemption } : undefined;
}

export type CancelResult = { kind: 'cancelled'; redemption: Redemption; balance: { available: number; pending: number } } | { kind: 'not-found' } | { kind: 'not-active'; status: string } | { kind: 'forbidden' };

export async function cancelRedemption(
  store: Store,
  request: { redemptionId: string; by: string; customerId?: string },
  now: string,
): Promise<CancelResult> {
  return retrying(`cancellation of ${request.redemptionId}`, async () => {
    const redemption = await store.getRedemption(request.redemptionId);
    if (!redemption) return { kind: 'not-found' } as const;
    if (request.customerId !== undefined && request.customerId !== redemption.customerId) return { kind: 'forbidden' } as const;
    if (redemption.status !== 'active') return { kind: 'not-active', status: redemption.status } as const;
    const [account, program, reward] = await Promise.all([store.getAccount(redemption.customerId), store.getProgram(), store.getReward(redemption.rewardId)]);
    const cancelled: Redemption = { ...redemption, status: 'cancelled', cancelledAt: now };
    const plan = planRedemptionCancel(account, redemption, program, request.by, now);
    const entry = plan.change.entries[0] as NonNullable<(typeof plan.change.entries)[0]>;
    const outcome = await store.commit(withTierReview(plan, program), {
      program,
      intents: [
        { kind: 'save-redemption', redemption: cancelled, expect: { status: 'active' } },
        ...(reward?.stock !== undefined ? [{ kind: 'return-stock', rewardId: redemption.rewardId } as const] : []),
      ],
    });
    if (outcome.kind === 'committed') return { kind: 'cancelled', redemption: cancelled, balance: entry.balanceAfter } as const;
    return RETRY;
  });
}

export type ConsumeResult = { kind: 'used'; redemption: Redemption } | { kind: 'not-found' } | { kind: 'not-active'; status: string };

export async function consumeCoupon(store: Store, code: string, usedBy: string, now: string): Promise<ConsumeResult> {
  const coupon = await store.getCoupon(code);
  if (!coupon) return { kind: 'not-found' };
  const redemption = await store.getRedemption(coupon.redemptionId);
  if (!redemption) return { kind: 'not-found' };
  if (redemption.status !== 'active') return { kind: 'not-active', status: redemption.status };
  const outcome = await store.consumeCoupon(redemption, now, usedBy);
  if (outcome === 'used') return { kind: 'used', redemption: { ...redemption, status: 'used', usedAt: now, usedBy } };
  const latest = await store.getRedemption(coupon.redemptionId);
  return { kind: 'not-active', status: latest?.status ?? 'unknown' };
}

// ---- referral credits (event consumer)

export type { ReferralRole };

/** A referral's reward (ReferralRewarded, to the advocate) or welcome offer (ReferralWelcomeOffered, to the referee). */
export interface ReferralCredit {
  readonly referralId: string;
  readonly role: ReferralRole;
  readonly customerId: string;
  readonly offer: { readonly kind: 'points'; readonly points: number } | { readonly kind: 'coupon'; readonly rewardId: string };
}

export type ReferralCreditResult =
  /** Points credited, available at once. */
  | { kind: 'credited'; entryId: string; points: number; balance: { available: number; pending: number } }
  /** The reward issued as a redemption costing no points (an active coupon). */
  | { kind: 'issued'; redemption: Redemption }
  /** This referral's credit for this role was already made (a redelivery): nothing written. */
  | { kind: 'already-credited' }
  /** The points would take an account total past 2^53 − 1: skipped, nothing written. */
  | { kind: 'limit-exceeded' }
  /** The coupon's reward is not in the catalog, no longer active, or has no stock left: skipped, nothing written. */
  | { kind: 'unknown-reward' }
  | { kind: 'inactive-reward' }
  | { kind: 'out-of-stock' };

/**
 * Credits a referral exactly once per (referralId, role): the credit commits in one transaction with the marker
 * CREDIT#referral:<referralId>:<role> (and, for a coupon, the redemption under an id derived from the same key), so
 * concurrent and repeated deliveries of the event credit once and answer `already-credited` after it. What can never
 * be credited (a missing or inactive reward, no stock, an account at its limit) is a named outcome, not an error
 * retried until the event expires.
 */
export async function creditReferral(store: Store, credit: ReferralCredit, now: string): Promise<ReferralCreditResult> {
  const key = referralCreditKey(credit.referralId, credit.role);
  const remember = (value: Record<string, unknown>): CommitIntent => ({ kind: 'remember', customerId: credit.customerId, marker: 'CREDIT', key, value: { ...value, at: now } });
  return retrying(`credit of ${key}`, async () => {
    if (await store.getMarker(credit.customerId, 'CREDIT', key)) return { kind: 'already-credited' } as const;
    const [account, program] = await Promise.all([store.getAccount(credit.customerId), store.getProgram()]);
    if (credit.offer.kind === 'points') {
      let plan: Plan;
      try {
        plan = planReferralPoints(account, { referralId: credit.referralId, role: credit.role, points: credit.offer.points }, program, now);
      } catch (error) {
        if (error instanceof AccountLimitError) return { kind: 'limit-exceeded' } as const;
        throw error;
      }
      const entry = plan.change.entries[0] as LedgerEntry;
      const outcome = await store.commit(withTierReview(plan, program), { program, intents: [remember({ entryId: entry.entryId, points: credit.offer.points })] });
      // A conflict: the account changed, or a concurrent delivery committed the marker first (the next read finds it).
      return outcome.kind === 'committed' ? ({ kind: 'credited', entryId: entry.entryId, points: credit.offer.points, balance: entry.balanceAfter } as const) : RETRY;
    }
    const reward = await store.getReward(credit.offer.rewardId);
    if (!reward) return { kind: 'unknown-reward' } as const;
    if (!reward.active) return { kind: 'inactive-reward' } as const;
    if (reward.stock !== undefined && reward.stock <= 0) return { kind: 'out-of-stock' } as const;
    const redemption: Redemption = {
      redemptionId: referralRedemptionId(credit.referralId, credit.role),
      customerId: credit.customerId,
      rewardId: reward.rewardId,
      rewardName: reward.name,
      pointsSpent: 0,
      couponCode: newCouponCode(),
      status: 'active',
      createdAt: now,
      requestedBy: `referral:${credit.referralId}`,
    };
    let plan: Plan;
    try {
      plan = planReferralCoupon(account, { referralId: credit.referralId, role: credit.role, redemption }, now);
    } catch (error) {
      if (error instanceof AccountLimitError) return { kind: 'limit-exceeded' } as const;
      throw error;
    }
    const intents: CommitIntent[] = [
      // The marker first: when a concurrent delivery won, its cause is reported before the stock it also took.
      remember({ redemptionId: redemption.redemptionId }),
      { kind: 'save-redemption', redemption, expect: 'new' },
      ...(reward.stock !== undefined ? [{ kind: 'take-stock', rewardId: reward.rewardId } as const] : []),
    ];
    const outcome = await store.commit(withTierReview(plan, program), { program, intents });
    if (outcome.kind === 'committed') return { kind: 'issued', redemption } as const;
    if (outcome.on === 'stock') return { kind: 'out-of-stock' } as const;
    return RETRY;
  });
}

export function eligibleFor(reward: Reward, program: Program | undefined, tierName: string | undefined): boolean {
  if (!reward.active || (reward.stock !== undefined && reward.stock <= 0)) return false;
  if (!reward.minimumTier || !program) return true;
  return tierRank(program, tierName ?? program.tiers[0]?.name) >= tierRank(program, reward.minimumTier);
}

/** A win-back offer (WinBackOffered from the journey service): its points, to credit once per offer. */
export interface WinBackCredit {
  readonly offerId: string;
  readonly customerId: string;
  readonly points: number;
}

export type WinBackCreditResult =
  | { kind: 'credited'; entryId: string; points: number; balance: { available: number; pending: number } }
  | { kind: 'already-credited' }
  | { kind: 'limit-exceeded' };

/**
 * Credits a win-back offer exactly once per offerId, as creditReferral credits referral points: the credit commits in
 * one transaction with the marker CREDIT#win-back:<offerId>, so concurrent and repeated deliveries credit once.
 */
export async function creditWinBack(store: Store, credit: WinBackCredit, now: string): Promise<WinBackCreditResult> {
  const key = winBackCreditKey(credit.offerId);
  return retrying(`credit of ${key}`, async () => {
    if (await store.getMarker(credit.customerId, 'CREDIT', key)) return { kind: 'already-credited' } as const;
    const [account, program] = await Promise.all([store.getAccount(credit.customerId), store.getProgram()]);
    let plan: Plan;
    try {
      plan = planWinBackPoints(account, { offerId: credit.offerId, points: credit.points }, program, now);
    } catch (error) {
      if (error instanceof AccountLimitError) return { kind: 'limit-exceeded' } as const;
      throw error;
    }
    const entry = plan.change.entries[0] as LedgerEntry;
    const intents: CommitIntent[] = [{ kind: 'remember', customerId: credit.customerId, marker: 'CREDIT', key, value: { entryId: entry.entryId, points: credit.points, at: now } }];
    const outcome = await store.commit(withTierReview(plan, program), { program, intents });
    return outcome.kind === 'committed' ? ({ kind: 'credited', entryId: entry.entryId, points: credit.points, balance: entry.balanceAfter } as const) : RETRY;
  });
}
