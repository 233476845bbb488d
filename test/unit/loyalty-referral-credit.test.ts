import { AccountLimitError, MAX_ACCOUNT_TOTAL, newAccount, type Account } from '../../functions/loyalty/domain/account';
import { planAdjustment, planRedemptionCancel, planReferralCoupon, planReferralPoints, referralCreditKey, referralRedemptionId, type Plan } from '../../functions/loyalty/domain/operations';
import { DEMO_PROGRAM, type Program } from '../../functions/loyalty/domain/program';
import type { Redemption } from '../../functions/loyalty/domain/records';
import { PointsAdjusted } from '../../events/points-adjusted';

/** Referral credits as pure plans: what loyalty writes for ReferralRewarded and ReferralWelcomeOffered. */
const program: Program = { ...DEMO_PROGRAM, version: 3, pendingDays: 14, expiryDays: 100, updatedAt: '2026-01-01T00:00:00Z', updatedBy: 'test' };
const t0 = '2026-01-01T00:00:00.000Z';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('referral points', () => {
  it('credit the advocate available points at once (no pending window), as a lot with the program expiry', () => {
    const plan = planReferralPoints(newAccount('adv'), { referralId: 'rf_1', role: 'advocate', points: 500 }, program, t0);
    expect(plan.change.account).toMatchObject({ available: 500, pending: 0, lifetimeEarned: 500, releasedTotal: 500, fifoConsumed: 0, redeemed: 0 });
    expect(plan.lotPuts).toEqual([
      {
        customerId: 'adv',
        lotId: 'referral:rf_1:advocate',
        status: 'available',
        points: 500,
        createdAt: t0,
        start: 0,
        end: 500,
        expiresAt: '2026-04-11T00:00:00.000Z',
        source: { kind: 'referral', id: 'rf_1' },
      },
    ]);
    expect(plan.change.entries).toHaveLength(1);
    expect(plan.change.entries[0]).toMatchObject({
      type: 'referral',
      points: 500,
      availableDelta: 500,
      pendingDelta: 0,
      reason: "Referral reward: a friend's first purchase qualified",
      source: { kind: 'referral', id: 'rf_1' },
      by: 'referral:rf_1',
      balanceAfter: { available: 500, pending: 0 },
    });
    expect(plan.earn).toBeUndefined();
    expect(plan.spend).toBeUndefined();
  });

  it('credit the referee with the welcome reason, and announce both with PointsAdjusted (the contract unchanged)', () => {
    const plan = planReferralPoints(newAccount('ref'), { referralId: 'rf_1', role: 'referee', points: 200 }, undefined, t0);
    const [entry] = plan.change.entries;
    expect(entry).toMatchObject({ type: 'referral', points: 200, reason: 'Welcome offer: joined through a referral', source: { kind: 'referral', id: 'rf_1' }, by: 'referral:rf_1' });
    expect(plan.lotPuts[0]).toMatchObject({ lotId: 'referral:rf_1:referee', expiresAt: '2027-01-01T00:00:00.000Z' });
    const outbox = plan.outbox.get(entry!.entryId);
    expect(outbox).toMatchObject({ detailType: 'PointsAdjusted', eventId: `PointsAdjusted:${entry!.entryId}` });
    const data = PointsAdjusted.dataSchema.parse(outbox!.detail.data);
    expect(data).toEqual({ customerId: 'ref', entryId: entry!.entryId, adjustmentId: 'referral:rf_1:referee', points: 200, reason: 'referral', by: 'referral:rf_1', balance: { available: 200, pending: 0 } });
  });

  it('join the end of the stream after older lots and never expire before them', () => {
    const seeded = planAdjustment(newAccount('adv'), { adjustmentId: 'seed', points: 50, reason: 'seed', by: 'm' }, { ...program, expiryDays: 400 }, t0) as Plan;
    const plan = planReferralPoints(seeded.change.account, { referralId: 'rf_2', role: 'advocate', points: 10 }, program, t0);
    expect(plan.lotPuts[0]).toMatchObject({ start: 50, end: 60, expiresAt: seeded.change.account.lastLotExpiresAt });
    expect(plan.change.account).toMatchObject({ available: 60, lifetimeEarned: 60, version: seeded.change.account.version + 1 });
  });

  it('refuse with AccountLimitError a credit that would take a total past 2^53 − 1, and refuse non-positive or unsafe points', () => {
    const full: Account = { ...newAccount('rich'), version: 4, available: MAX_ACCOUNT_TOTAL - 5, releasedTotal: MAX_ACCOUNT_TOTAL - 5, lifetimeEarned: MAX_ACCOUNT_TOTAL - 5 };
    expect(() => planReferralPoints(full, { referralId: 'rf_3', role: 'advocate', points: 6 }, program, t0)).toThrow(AccountLimitError);
    expect(planReferralPoints(full, { referralId: 'rf_3', role: 'advocate', points: 5 }, program, t0).change.account.available).toBe(MAX_ACCOUNT_TOTAL);
    for (const points of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
      expect(() => planReferralPoints(newAccount('x'), { referralId: 'rf_4', role: 'referee', points }, program, t0)).toThrow(RangeError);
    }
  });
});

describe('referral coupons', () => {
  const redemption = (pointsSpent = 0): Redemption => ({
    redemptionId: referralRedemptionId('rf_1', 'referee'),
    customerId: 'ref',
    rewardId: 'free-ship',
    rewardName: 'Free shipping',
    pointsSpent,
    couponCode: 'LL-AAAA-BBBB-CCCC-DDDD',
    status: 'active',
    createdAt: t0,
    requestedBy: 'referral:rf_1',
  });

  it('derive one redemption id per (referral, role): a UUID, stable across deliveries, distinct between roles and referrals', () => {
    const id = referralRedemptionId('rf_1', 'referee');
    expect(id).toMatch(UUID);
    expect(referralRedemptionId('rf_1', 'referee')).toBe(id);
    expect(referralRedemptionId('rf_1', 'advocate')).not.toBe(id);
    expect(referralRedemptionId('rf_2', 'referee')).not.toBe(id);
    expect(referralCreditKey('rf_1', 'advocate')).toBe('referral:rf_1:advocate');
  });

  it('grant a 0-point redemption: a 0-point referral entry naming the reward, no lot, no points moved', () => {
    const before = { ...newAccount('ref'), version: 2, available: 30, releasedTotal: 30, entrySeq: 1, lastLotExpiresAt: '2026-06-01T00:00:00.000Z' };
    const plan = planReferralCoupon(before, { referralId: 'rf_1', role: 'referee', redemption: redemption() }, t0);
    expect(plan.lotPuts).toEqual([]);
    expect(plan.lotDeletes).toEqual([]);
    expect(plan.change.account).toMatchObject({ available: 30, pending: 0, releasedTotal: 30, fifoConsumed: 0, redeemed: 0, lifetimeEarned: 0, lastLotExpiresAt: '2026-06-01T00:00:00.000Z', redemptionsByReward: { 'free-ship': 1 } });
    expect(plan.change.entries).toHaveLength(1);
    expect(plan.change.entries[0]).toMatchObject({
      type: 'referral',
      points: 0,
      availableDelta: 0,
      pendingDelta: 0,
      reason: 'Welcome offer: joined through a referral (reward: Free shipping)',
      source: { kind: 'referral', id: 'rf_1' },
      by: 'referral:rf_1',
    });
    // RewardRedeemed requires pointsSpent > 0: a grant announces nothing rather than an invalid event.
    expect(plan.outbox.size).toBe(0);
  });

  it('refuse to plan a grant of a redemption that costs points', () => {
    expect(() => planReferralCoupon(newAccount('ref'), { referralId: 'rf_1', role: 'referee', redemption: redemption(10) }, t0)).toThrow(RangeError);
  });

  it('cancel a 0-point redemption without a lot, a stream move or an (invalid) RedemptionCancelled', () => {
    const before = { ...newAccount('ref'), version: 3, available: 30, releasedTotal: 30, entrySeq: 2, lastLotExpiresAt: '2026-06-01T00:00:00.000Z', redemptionsByReward: { 'free-ship': 1 } };
    const plan = planRedemptionCancel(before, redemption(), program, 'marketer:ana', '2026-02-01T00:00:00.000Z');
    expect(plan.lotPuts).toEqual([]);
    expect(plan.change.account).toMatchObject({ available: 30, releasedTotal: 30, redeemed: 0, lastLotExpiresAt: '2026-06-01T00:00:00.000Z', redemptionsByReward: { 'free-ship': 0 } });
    expect(plan.change.entries).toHaveLength(1);
    expect(plan.change.entries[0]).toMatchObject({ type: 'redeem-cancel', points: 0, availableDelta: 0, pendingDelta: 0, by: 'marketer:ana', source: { kind: 'redemption', id: redemption().redemptionId } });
    expect(plan.outbox.size).toBe(0);
  });

  it('still cancel a paid redemption as before: a fresh lot and RedemptionCancelled', () => {
    const paid = { ...redemption(40), redemptionId: 'r-paid' };
    const before = { ...newAccount('c'), version: 3, releasedTotal: 40, fifoConsumed: 40, redeemed: 40, entrySeq: 2, redemptionsByReward: { 'free-ship': 1 } };
    const plan = planRedemptionCancel(before, paid, program, 'customer', t0);
    expect(plan.lotPuts).toMatchObject([{ lotId: 'redemption:r-paid', points: 40, start: 40, end: 80 }]);
    expect(plan.change.account).toMatchObject({ available: 40, redeemed: 0 });
    expect([...plan.outbox.values()].map((record) => record.detailType)).toEqual(['RedemptionCancelled']);
  });
});
