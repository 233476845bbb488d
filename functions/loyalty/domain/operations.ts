import { createHash } from 'node:crypto';
import type * as z from 'zod';
import { PointsAdjusted } from '../../../events/points-adjusted';
import { PointsEarned } from '../../../events/points-earned';
import { PointsExpired } from '../../../events/points-expired';
import { PointsExpiringSoon } from '../../../events/points-expiring-soon';
import { PointsReleased } from '../../../events/points-released';
import { PointsReversed } from '../../../events/points-reversed';
import { RedemptionCancelled } from '../../../events/redemption-cancelled';
import { RewardRedeemed } from '../../../events/reward-redeemed';
import { TierChanged } from '../../../events/tier-changed';
import type { EventContract } from '../../../events/contract';
import { outboxRecord, type OutboxRecord } from '../../../shared/events/outbox';
import { AccountChange, addDays, unspentInLot, type Account, type LedgerEntry, type Lot } from './account';
import { computeAward, type PurchaseForPoints } from './points';
import { tierForSpend, tierRank, type Program } from './program';
import type { EarnRecord, Redemption, SpendRecord } from './records';

/**
 * Each operation returns a plan: the account after the change, the ledger entries (each carrying its event in the
 * outbox), and the lots and records to write — committed by the repository in one transaction conditioned on the
 * account version it started from.
 */
export interface Plan {
  readonly change: AccountChange;
  readonly outbox: Map<string, OutboxRecord>;
  readonly lotPuts: Lot[];
  readonly lotDeletes: string[];
  earn?: { record: EarnRecord; create: boolean };
  spend?: SpendRecord;
  tierChange?: { seq: number; from: string | null; to: string; direction: 'up' | 'down'; outbox: OutboxRecord };
}

/** A plan that changes nothing but the account's version (and what the caller updates, like the review time). */
export function planNothing(account: Account, now: string): Plan {
  return plan(account, now);
}

function plan(account: Account, now: string): Plan {
  return { change: new AccountChange(account, now), outbox: new Map(), lotPuts: [], lotDeletes: [] };
}

function announce<Data extends z.ZodType>(target: Plan, entry: LedgerEntry, contract: EventContract<string, Data>, data: z.input<Data>): void {
  target.outbox.set(entry.entryId, outboxRecord(contract, data, { eventId: `${contract.detailType}:${entry.entryId}`, occurredAt: entry.createdAt }));
}

const balance = (entry: LedgerEntry) => entry.balanceAfter;

export function orderLotId(storeId: string, orderId: string): string {
  return `order:${storeId}:${orderId}`;
}

/** PurchaseRecorded → points by the program, pending or available, with a tier upgrade if spend crosses a threshold. */
export function planEarn(
  account: Account,
  program: Program | undefined,
  purchase: PurchaseForPoints & { storeId: string; orderId: string; customerId: string },
  qualifyingSpendBeforeMinor: number,
  now: string,
  /** Set when the award would take an account total past 2^53 − 1: the purchase is recorded, earning nothing. */
  options: { accountLimitReached?: boolean } = {},
): Plan {
  const result = plan(account, now);
  const lotId = orderLotId(purchase.storeId, purchase.orderId);
  if (!program) {
    result.change.entry({
      type: 'earn',
      points: 0,
      availableDelta: 0,
      pendingDelta: 0,
      reason: `Purchase ${purchase.orderId}: no loyalty program is configured, so it earned nothing`,
      source: { kind: 'order', id: `${purchase.storeId}:${purchase.orderId}`, storeId: purchase.storeId },
    });
    result.earn = {
      record: { customerId: purchase.customerId, storeId: purchase.storeId, orderId: purchase.orderId, points: 0, reversed: 0, lotId, purchaseAmountMinor: purchase.amountMinor, baseAmountMinor: 0, appliedRefunds: [], explanation: [] },
      create: true,
    };
    return result;
  }
  const tier = account.tier?.name ?? program.tiers[0]?.name ?? 'Base';
  const tierMultiplier = program.tiers.find((candidate) => candidate.name === tier)?.multiplier ?? 1;
  const computed = computeAward(program, purchase, { tierName: tier, tierMultiplier, firstPurchase: account.earnedPurchases === 0 });
  const award = options.accountLimitReached
    ? {
        points: 0,
        baseAmountMinor: computed.baseAmountMinor,
        explanation: [{ step: 'limit' as const, description: 'the account holds the most points an account can: this purchase earns nothing', points: 0 }],
      }
    : computed;
  const bonusPoints = award.explanation.filter((step) => step.step === 'bonus').reduce((sum, step) => sum + step.points, 0);
  const earnedPoints = award.points - bonusPoints;
  const immediate = program.pendingDays === 0;
  const availableAt = immediate ? now : addDays(now, program.pendingDays);
  const source = { kind: 'order' as const, id: `${purchase.storeId}:${purchase.orderId}`, storeId: purchase.storeId };

  const earnEntry = result.change.entry({
    type: 'earn',
    points: earnedPoints,
    availableDelta: immediate ? earnedPoints : 0,
    pendingDelta: immediate ? 0 : earnedPoints,
    reason: `Purchase ${purchase.orderId}${immediate ? '' : ` (pending until ${availableAt.slice(0, 10)})`}`,
    source,
    programVersion: program.version,
    explanation: award.explanation,
  });
  let last = earnEntry;
  if (bonusPoints > 0) {
    last = result.change.entry({
      type: 'bonus',
      points: bonusPoints,
      availableDelta: immediate ? bonusPoints : 0,
      pendingDelta: immediate ? 0 : bonusPoints,
      reason: award.explanation.filter((step) => step.step === 'bonus').map((step) => step.description).join(', '),
      source: { kind: 'rule', id: `${purchase.storeId}:${purchase.orderId}`, storeId: purchase.storeId },
      programVersion: program.version,
    });
  }
  result.change.update({
    lifetimeEarned: result.change.account.lifetimeEarned + award.points,
    earnedPurchases: result.change.account.earnedPurchases + 1,
  });
  if (award.points > 0) {
    if (immediate) {
      const range = result.change.releaseIntoStream(award.points, program.expiryDays);
      result.lotPuts.push({ customerId: account.customerId, lotId, status: 'available', points: award.points, createdAt: now, ...range, source });
    } else {
      result.lotPuts.push({ customerId: account.customerId, lotId, status: 'pending', points: award.points, createdAt: now, pendingUntil: availableAt, source });
    }
  }
  announce(result, earnEntry, PointsEarned, {
    customerId: account.customerId,
    entryId: earnEntry.entryId,
    points: award.points,
    status: immediate ? 'available' : 'pending',
    storeId: purchase.storeId,
    orderId: purchase.orderId,
    programVersion: program.version,
    availableAt,
    balance: balance(last),
  });

  const spendKey = `${purchase.occurredAt}#${purchase.storeId}#${purchase.orderId}`;
  if (award.baseAmountMinor > 0) {
    result.spend = { customerId: account.customerId, key: spendKey, occurredAt: purchase.occurredAt, baseAmountMinor: award.baseAmountMinor };
  }
  result.earn = {
    record: {
      customerId: account.customerId,
      storeId: purchase.storeId,
      orderId: purchase.orderId,
      points: award.points,
      reversed: 0,
      lotId,
      purchaseAmountMinor: purchase.amountMinor,
      ...(result.spend ? { spendKey } : {}),
      baseAmountMinor: award.baseAmountMinor,
      appliedRefunds: [],
      explanation: award.explanation,
    },
    create: true,
  };

  // Upgrade at once when qualifying spend (money spent, never the balance) crosses a threshold.
  const windowStart = addDays(now, -program.tierWindowDays);
  const inWindow = purchase.occurredAt >= windowStart ? award.baseAmountMinor : 0;
  const reached = tierForSpend(program, qualifyingSpendBeforeMinor + inWindow);
  if (tierRank(program, reached.name) > tierRank(program, account.tier?.name)) {
    planTierChange(result, program, account.tier?.name ?? null, reached.name, 'up', qualifyingSpendBeforeMinor + inWindow, now);
  }
  return result;
}

function planTierChange(target: Plan, program: Program, from: string | null, to: string, direction: 'up' | 'down', spendMinor: number, now: string): void {
  target.change.update({ tier: { name: to, since: now } });
  const seq = target.change.account.version;
  target.tierChange = {
    seq,
    from,
    to,
    direction,
    outbox: outboxRecord(
      TierChanged,
      { customerId: target.change.account.customerId, from, to, direction, qualifyingSpendMinor: spendMinor, currency: program.baseCurrency },
      { eventId: `TierChanged:${target.change.account.customerId}:${seq}`, occurredAt: now },
    ),
  };
}

/** Tier review (downgrade policy "reevaluate"): the tier the current window's spend supports. */
export function planTierReview(account: Account, program: Program, qualifyingSpendMinor: number, now: string): Plan | undefined {
  const supported = tierForSpend(program, qualifyingSpendMinor);
  const current = account.tier?.name;
  if (supported.name === current) return undefined;
  const direction = tierRank(program, supported.name) > tierRank(program, current) ? 'up' : 'down';
  if (direction === 'down' && program.tierDowngrade === 'none') return undefined;
  const result = plan(account, now);
  planTierChange(result, program, current ?? null, supported.name, direction, qualifyingSpendMinor, now);
  return result;
}

/**
 * PurchaseRefunded → the refunded share of the order's points reversed, pending first, then available. The share is
 * computed on the running refunded total, so partial refunds adding up to the whole reverse everything.
 */
export function planReversal(
  account: Account,
  earn: EarnRecord,
  lot: Lot | undefined,
  refund: { refundId: string; refundedTotalMinor: number; purchaseAmountMinor: number; fullyRefunded: boolean },
  policy: 'within_balance' | 'allow_negative',
  now: string,
): Plan {
  const result = plan(account, now);
  const target = refund.fullyRefunded ? earn.points : Math.floor((earn.points * refund.refundedTotalMinor) / refund.purchaseAmountMinor);
  const delta = Math.max(0, Math.min(earn.points, target) - earn.reversed);
  let fromPending = 0;
  if (lot && lot.status === 'pending') {
    fromPending = Math.min(delta, lot.points);
    const remaining = lot.points - fromPending;
    if (remaining > 0) result.lotPuts.push({ ...lot, points: remaining });
    else result.lotDeletes.push(lot.lotId);
  }
  const rest = delta - fromPending;
  const fromAvailable = policy === 'allow_negative' ? rest : Math.min(rest, Math.max(0, result.change.account.available));
  const unrecoverable = rest - fromAvailable;
  if (fromAvailable > 0) result.change.consume(fromAvailable);
  const entry = result.change.entry({
    type: 'reverse',
    points: -(fromPending + fromAvailable),
    availableDelta: -fromAvailable,
    pendingDelta: -fromPending,
    reason:
      `Refund ${refund.refundId} of purchase ${earn.orderId}` +
      (unrecoverable > 0 ? ` (${unrecoverable} points already spent could not be reversed)` : ''),
    source: { kind: 'refund', id: `${earn.storeId}:${earn.orderId}:${refund.refundId}`, storeId: earn.storeId },
  });
  result.change.update({
    reversed: result.change.account.reversed + fromPending + fromAvailable,
    unrecoverable: result.change.account.unrecoverable + unrecoverable,
  });
  announce(result, entry, PointsReversed, {
    customerId: account.customerId,
    entryId: entry.entryId,
    points: fromPending + fromAvailable,
    fromPending,
    fromAvailable,
    unrecoverable,
    storeId: earn.storeId,
    orderId: earn.orderId,
    refundId: refund.refundId,
    balance: balance(entry),
  });
  const netShare = refund.purchaseAmountMinor - Math.min(refund.refundedTotalMinor, refund.purchaseAmountMinor);
  result.earn = {
    record: {
      ...earn,
      reversed: earn.reversed + delta,
      appliedRefunds: [...earn.appliedRefunds, refund.refundId],
    },
    create: false,
  };
  if (earn.spendKey) {
    result.spend = {
      customerId: account.customerId,
      key: earn.spendKey,
      occurredAt: earn.spendKey.split('#')[0] as string,
      baseAmountMinor: Math.floor((earn.baseAmountMinor * netShare) / refund.purchaseAmountMinor),
    };
  }
  return result;
}

/** A pending lot whose window closed becomes available (and joins the stream, with its expiry). */
export function planRelease(account: Account, lot: Lot, program: Program | undefined, now: string): Plan {
  const result = plan(account, now);
  const expiryDays = program?.expiryDays ?? 365;
  const range = result.change.releaseIntoStream(lot.points, expiryDays);
  const entry = result.change.entry({
    type: 'release',
    points: lot.points,
    availableDelta: lot.points,
    pendingDelta: -lot.points,
    reason: `Points of ${describeSource(lot)} are now available`,
    source: lotSource(lot),
  });
  result.lotPuts.push({ ...lot, status: 'available', ...range, pendingUntil: undefined });
  announce(result, entry, PointsReleased, {
    customerId: account.customerId,
    entryId: entry.entryId,
    points: lot.points,
    lotId: lot.lotId,
    expiresAt: range.expiresAt,
    balance: balance(entry),
  });
  return result;
}

/** Expires what is left up to the lot's end (older lots expire no later, so they are due too). */
export function planExpiry(account: Account, lot: Lot, now: string): Plan {
  const result = plan(account, now);
  const end = lot.end ?? 0;
  const amount = Math.max(0, end - account.fifoConsumed);
  result.lotDeletes.push(lot.lotId);
  if (amount > 0) {
    result.change.consume(amount);
    const entry = result.change.entry({
      type: 'expire',
      points: -amount,
      availableDelta: -amount,
      pendingDelta: 0,
      reason: `Points of ${describeSource(lot)} expired`,
      source: lotSource(lot),
    });
    result.change.update({ expired: result.change.account.expired + amount });
    announce(result, entry, PointsExpired, { customerId: account.customerId, entryId: entry.entryId, points: amount, lotId: lot.lotId, balance: balance(entry) });
  }
  return result;
}

/** The reminder: how many of a lot's points are still at risk, as the event to put on the lot. */
export function expiringSoon(account: Account, lot: Lot, now: string): OutboxRecord | undefined {
  const atRisk = unspentInLot(account, lot);
  if (atRisk <= 0 || !lot.expiresAt) return undefined;
  return outboxRecord(
    PointsExpiringSoon,
    { customerId: account.customerId, points: atRisk, expiresAt: lot.expiresAt, lotId: lot.lotId },
    { eventId: `PointsExpiringSoon:${account.customerId}:${lot.lotId}`, occurredAt: now },
  );
}

export type SpendRefusal = { kind: 'insufficient-points'; available: number };

/** A redemption: points leave available, oldest first. */
export function planRedeem(account: Account, redemption: Redemption, now: string): Plan | SpendRefusal {
  if (account.available < redemption.pointsSpent) return { kind: 'insufficient-points', available: account.available };
  const result = plan(account, now);
  result.change.consume(redemption.pointsSpent);
  const entry = result.change.entry({
    type: 'redeem',
    points: -redemption.pointsSpent,
    availableDelta: -redemption.pointsSpent,
    pendingDelta: 0,
    reason: `Redeemed ${redemption.rewardName}`,
    source: { kind: 'redemption', id: redemption.redemptionId },
    by: redemption.requestedBy,
  });
  result.change.update({
    redeemed: result.change.account.redeemed + redemption.pointsSpent,
    redemptionsByReward: {
      ...result.change.account.redemptionsByReward,
      [redemption.rewardId]: (result.change.account.redemptionsByReward[redemption.rewardId] ?? 0) + 1,
    },
  });
  announce(result, entry, RewardRedeemed, {
    customerId: account.customerId,
    entryId: entry.entryId,
    redemptionId: redemption.redemptionId,
    rewardId: redemption.rewardId,
    pointsSpent: redemption.pointsSpent,
    couponCode: redemption.couponCode,
    balance: balance(entry),
  });
  return result;
}

/**
 * Gives a cancelled redemption's points back, as a fresh lot with its own expiry. A redemption that cost nothing (a
 * coupon granted by a referral) gives nothing back: no lot and no stream move, only the entry saying it was cancelled
 * (unannounced: RedemptionCancelled returns at least one point).
 */
export function planRedemptionCancel(account: Account, redemption: Redemption, program: Program | undefined, by: string, now: string): Plan {
  const result = plan(account, now);
  const returned = redemption.pointsSpent;
  if (returned > 0) {
    const range = result.change.releaseIntoStream(returned, program?.expiryDays ?? 365);
    const lotId = `redemption:${redemption.redemptionId}`;
    result.lotPuts.push({ customerId: account.customerId, lotId, status: 'available', points: returned, createdAt: now, ...range, source: { kind: 'redemption', id: redemption.redemptionId } });
  }
  const entry = result.change.entry({
    type: 'redeem-cancel',
    points: returned,
    availableDelta: returned,
    pendingDelta: 0,
    reason: returned > 0 ? `Redemption of ${redemption.rewardName} cancelled: points returned` : `Redemption of ${redemption.rewardName} cancelled (it cost no points)`,
    source: { kind: 'redemption', id: redemption.redemptionId },
    by,
  });
  result.change.update({
    redeemed: result.change.account.redeemed - returned,
    redemptionsByReward: {
      ...result.change.account.redemptionsByReward,
      [redemption.rewardId]: Math.max(0, (result.change.account.redemptionsByReward[redemption.rewardId] ?? 0) - 1),
    },
  });
  if (returned > 0) {
    announce(result, entry, RedemptionCancelled, {
      customerId: account.customerId,
      entryId: entry.entryId,
      redemptionId: redemption.redemptionId,
      rewardId: redemption.rewardId,
      pointsReturned: returned,
      by,
      balance: balance(entry),
    });
  }
  return result;
}

/**
 * A marketer's adjustment: positive points arrive as an available lot; negative points leave available, oldest
 * first, and may not overdraw unless the program allows negative balances.
 */
export function planAdjustment(
  account: Account,
  adjustment: { adjustmentId: string; points: number; reason: string; by: string },
  program: Program | undefined,
  now: string,
  /** Adds to a plan already holding earlier adjustments of the same customer (one transaction for several). */
  into?: Plan,
): Plan | SpendRefusal {
  const allowNegative = program?.refundPolicy === 'allow_negative';
  const current = into?.change.account ?? account;
  if (adjustment.points < 0 && !allowNegative && current.available < -adjustment.points) return { kind: 'insufficient-points', available: current.available };
  const result = into ?? plan(account, now);
  if (adjustment.points > 0) {
    const range = result.change.releaseIntoStream(adjustment.points, program?.expiryDays ?? 365);
    result.lotPuts.push({
      customerId: account.customerId,
      lotId: `adjustment:${adjustment.adjustmentId}`,
      status: 'available',
      points: adjustment.points,
      createdAt: now,
      ...range,
      source: { kind: 'marketer', id: adjustment.adjustmentId },
    });
    result.change.update({ lifetimeEarned: result.change.account.lifetimeEarned + adjustment.points });
  } else {
    result.change.consume(-adjustment.points);
  }
  const entry = result.change.entry({
    type: 'adjust',
    points: adjustment.points,
    availableDelta: adjustment.points,
    pendingDelta: 0,
    reason: adjustment.reason,
    source: { kind: 'marketer', id: adjustment.adjustmentId },
    by: adjustment.by,
  });
  announce(result, entry, PointsAdjusted, {
    customerId: account.customerId,
    entryId: entry.entryId,
    adjustmentId: adjustment.adjustmentId,
    points: adjustment.points,
    reason: adjustment.reason,
    by: adjustment.by,
    balance: balance(entry),
  });
  return result;
}

// ---- referrals (ReferralRewarded → the advocate, ReferralWelcomeOffered → the referee)

export type ReferralRole = 'advocate' | 'referee';

/** The key a referral's credit is remembered under (marker) and its lot and announcement are named by: once per role. */
export function referralCreditKey(referralId: string, role: ReferralRole): string {
  return `referral:${referralId}:${role}`;
}

/** A fixed namespace for the name-based (RFC 9562 version 5) ids of redemptions granted by referrals. */
const REFERRAL_REDEMPTION_NAMESPACE = Buffer.from('0073009d21924b56bfc7a69bed4ae48a', 'hex');

/**
 * The redemption a referral's coupon is issued as, named by the referral and the role: the same on every delivery, so
 * a redelivered event finds it instead of issuing another (a UUID, as the redemption routes expect).
 */
export function referralRedemptionId(referralId: string, role: ReferralRole): string {
  const hash = createHash('sha1').update(REFERRAL_REDEMPTION_NAMESPACE).update(referralCreditKey(referralId, role)).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Why the customer got it, without personal data (the ledger is shown to stores and kept after erasure). */
const REFERRAL_REASONS: Record<ReferralRole, string> = {
  advocate: "Referral reward: a friend's first purchase qualified",
  referee: 'Welcome offer: joined through a referral',
};

/**
 * A referral's points: available at once (the referral service held the reward through the return window), as a lot
 * at the end of the stream with the program's expiry, under a lot id of its own per role. Announced with
 * PointsAdjusted (reason `referral`). Throws AccountLimitError when a total would pass 2^53 − 1.
 */
export function planReferralPoints(account: Account, credit: { referralId: string; role: ReferralRole; points: number }, program: Program | undefined, now: string): Plan {
  if (!Number.isSafeInteger(credit.points) || credit.points <= 0) throw new RangeError(`a referral credits a positive whole number of points, not ${credit.points}`);
  const result = plan(account, now);
  const key = referralCreditKey(credit.referralId, credit.role);
  const source = { kind: 'referral' as const, id: credit.referralId };
  const by = `referral:${credit.referralId}`;
  const range = result.change.releaseIntoStream(credit.points, program?.expiryDays ?? 365);
  result.lotPuts.push({ customerId: account.customerId, lotId: key, status: 'available', points: credit.points, createdAt: now, ...range, source });
  result.change.update({ lifetimeEarned: result.change.account.lifetimeEarned + credit.points });
  const entry = result.change.entry({
    type: 'referral',
    points: credit.points,
    availableDelta: credit.points,
    pendingDelta: 0,
    reason: REFERRAL_REASONS[credit.role],
    source,
    by,
  });
  announce(result, entry, PointsAdjusted, {
    customerId: account.customerId,
    entryId: entry.entryId,
    adjustmentId: key,
    points: credit.points,
    reason: 'referral',
    by,
    balance: balance(entry),
  });
  return result;
}

// ---- win-back (WinBackOffered from the journey service)

/** The key a win-back credit is remembered under (marker) and its lot and announcement are named by: once per offer. */
export function winBackCreditKey(offerId: string): string {
  return `win-back:${offerId}`;
}

/**
 * A win-back offer's points, as planReferralPoints credits a referral's: available at once, as a lot at the end of the
 * stream with the program's expiry, announced with PointsAdjusted (reason `win-back`). Throws AccountLimitError when
 * a total would pass 2^53 − 1.
 */
export function planWinBackPoints(account: Account, credit: { offerId: string; points: number }, program: Program | undefined, now: string): Plan {
  if (!Number.isSafeInteger(credit.points) || credit.points <= 0) throw new RangeError(`a win-back offer credits a positive whole number of points, not ${credit.points}`);
  const result = plan(account, now);
  const key = winBackCreditKey(credit.offerId);
  const source = { kind: 'win-back' as const, id: credit.offerId };
  const by = `win-back:${credit.offerId}`;
  const range = result.change.releaseIntoStream(credit.points, program?.expiryDays ?? 365);
  result.lotPuts.push({ customerId: account.customerId, lotId: key, status: 'available', points: credit.points, createdAt: now, ...range, source });
  result.change.update({ lifetimeEarned: result.change.account.lifetimeEarned + credit.points });
  const entry = result.change.entry({
    type: 'win-back',
    points: credit.points,
    availableDelta: credit.points,
    pendingDelta: 0,
    reason: 'Win-back offer: we missed you',
    source,
    by,
  });
  announce(result, entry, PointsAdjusted, {
    customerId: account.customerId,
    entryId: entry.entryId,
    adjustmentId: key,
    points: credit.points,
    reason: 'win-back',
    by,
    balance: balance(entry),
  });
  return result;
}

/**
 * A referral's coupon: the reward issued as a redemption costing no points (the caller saves the redemption with the
 * plan). Counts toward the reward's per-customer total, so cancelling it takes the count back; a 0-point entry naming
 * the reward records it in the ledger. Unannounced: RewardRedeemed is for points spent (pointsSpent > 0).
 */
export function planReferralCoupon(account: Account, grant: { referralId: string; role: ReferralRole; redemption: Redemption }, now: string): Plan {
  if (grant.redemption.pointsSpent !== 0) throw new RangeError('a referral grants a redemption that costs no points');
  const result = plan(account, now);
  result.change.entry({
    type: 'referral',
    points: 0,
    availableDelta: 0,
    pendingDelta: 0,
    reason: `${REFERRAL_REASONS[grant.role]} (reward: ${grant.redemption.rewardName})`,
    source: { kind: 'referral', id: grant.referralId },
    by: `referral:${grant.referralId}`,
  });
  result.change.update({
    redemptionsByReward: {
      ...result.change.account.redemptionsByReward,
      [grant.redemption.rewardId]: (result.change.account.redemptionsByReward[grant.redemption.rewardId] ?? 0) + 1,
    },
  });
  return result;
}

function describeSource(lot: Lot): string {
  switch (lot.source.kind) {
    case 'order':
      return `purchase ${lot.source.id.split(':').slice(1).join(':')}`;
    case 'marketer':
      return `adjustment ${lot.source.id}`;
    case 'redemption':
      return `cancelled redemption ${lot.source.id}`;
    case 'win-back':
      return `the win-back offer ${lot.source.id}`;
    case 'referral':
      return lot.lotId.endsWith(':referee') ? `the welcome offer of referral ${lot.source.id}` : `the reward of referral ${lot.source.id}`;
    default:
      return lot.lotId;
  }
}

/** A lot's entries concern the store of the order the lot came from, if any. */
function lotSource(lot: Lot): LedgerEntry['source'] {
  return { kind: 'lot', id: lot.lotId, ...(lot.source.storeId === undefined ? {} : { storeId: lot.source.storeId }) };
}
