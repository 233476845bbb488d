import { newAccount, unspentInLot, type Account, type LedgerEntry, type Lot } from '../../functions/loyalty/domain/account';
import { planAdjustment, planEarn, planExpiry, planRedeem, planRelease, planReversal, planTierReview, type Plan } from '../../functions/loyalty/domain/operations';
import { DEMO_PROGRAM, type Program } from '../../functions/loyalty/domain/program';
import type { EarnRecord, Redemption } from '../../functions/loyalty/domain/records';

const program: Program = { ...DEMO_PROGRAM, version: 1, updatedAt: '2026-01-01T00:00:00Z', updatedBy: 'test' };
const instant: Program = { ...program, pendingDays: 0 };
const t0 = '2026-01-01T00:00:00.000Z';
const purchase = (orderId: string, amountMinor: number) => ({ storeId: 's', orderId, customerId: 'c', amountMinor, currency: 'USD', items: [], occurredAt: t0 });

/** Applies plans in memory, keeping lots and the ledger, and checks the ledger explains the balance after each. */
class Model {
  account: Account = newAccount('c');
  lots = new Map<string, Lot>();
  ledger: LedgerEntry[] = [];
  earns = new Map<string, EarnRecord>();

  apply(plan: Plan): void {
    this.account = plan.change.account;
    for (const lot of plan.lotPuts) this.lots.set(lot.lotId, lot);
    for (const lotId of plan.lotDeletes) this.lots.delete(lotId);
    this.ledger.push(...plan.change.entries);
    if (plan.earn) this.earns.set(plan.earn.record.orderId, plan.earn.record);
    const sum = this.ledger.reduce((total, entry) => total + entry.availableDelta + entry.pendingDelta, 0);
    expect(this.account.available + this.account.pending).toBe(sum);
    expect(this.account.available).toBe(this.account.releasedTotal - this.account.fifoConsumed);
  }
}

const redemption = (points: number): Redemption => ({
  redemptionId: `r-${points}`,
  customerId: 'c',
  rewardId: 'rw',
  rewardName: 'Reward',
  pointsSpent: points,
  couponCode: 'LL-AAAA-BBBB-CCCC-DDDD',
  status: 'active',
  createdAt: t0,
  requestedBy: 'customer:c',
});

describe('loyalty operations', () => {
  it('earns pending points that become available on release, with a first-purchase bonus entry', () => {
    const model = new Model();
    model.apply(planEarn(model.account, program, purchase('o1', 10000), 0, t0));
    expect(model.account).toMatchObject({ pending: 150, available: 0, lifetimeEarned: 150 });
    expect(model.ledger.map((entry) => [entry.type, entry.points])).toEqual([
      ['earn', 100],
      ['bonus', 50],
    ]);
    const lot = model.lots.get('order:s:o1') as Lot;
    expect(lot).toMatchObject({ status: 'pending', pendingUntil: '2026-01-15T00:00:00.000Z', points: 150 });
    model.apply(planRelease(model.account, lot, program, '2026-01-15T00:00:00.000Z'));
    expect(model.account).toMatchObject({ pending: 0, available: 150 });
    expect(model.lots.get('order:s:o1')).toMatchObject({ status: 'available', start: 0, end: 150, expiresAt: '2027-01-15T00:00:00.000Z' });
  });

  it('reverses two partial refunds summing to the whole exactly like one full refund', () => {
    const model = new Model();
    model.apply(planEarn(model.account, program, purchase('o1', 10000), 0, t0));
    const lot = () => model.lots.get('order:s:o1');
    model.apply(planReversal(model.account, model.earns.get('o1') as EarnRecord, lot(), { refundId: 'r1', refundedTotalMinor: 3333, purchaseAmountMinor: 10000, fullyRefunded: false }, 'within_balance', t0));
    expect(model.account.pending).toBe(150 - 49);
    model.apply(planReversal(model.account, model.earns.get('o1') as EarnRecord, lot(), { refundId: 'r2', refundedTotalMinor: 10000, purchaseAmountMinor: 10000, fullyRefunded: true }, 'within_balance', t0));
    expect(model.account).toMatchObject({ pending: 0, available: 0, reversed: 150 });
    expect(lot()).toBeUndefined();
  });

  it('reverses spent points within the balance and records the rest as unrecoverable, or goes negative when allowed', () => {
    for (const policy of ['within_balance', 'allow_negative'] as const) {
      const model = new Model();
      model.apply(planEarn(model.account, instant, purchase('o1', 10000), 0, t0));
      model.apply(planRedeem(model.account, redemption(120), t0) as Plan);
      model.apply(planReversal(model.account, model.earns.get('o1') as EarnRecord, model.lots.get('order:s:o1'), { refundId: 'r', refundedTotalMinor: 10000, purchaseAmountMinor: 10000, fullyRefunded: true }, policy, t0));
      if (policy === 'within_balance') expect(model.account).toMatchObject({ available: 0, unrecoverable: 120 });
      else expect(model.account).toMatchObject({ available: -120, unrecoverable: 0 });
    }
  });

  it('spends and expires the oldest points first', () => {
    const model = new Model();
    model.apply(planEarn(model.account, instant, purchase('o1', 10000), 0, '2026-01-01T00:00:00.000Z'));
    model.apply(planEarn(model.account, instant, purchase('o2', 10000), 0, '2026-06-01T00:00:00.000Z'));
    expect(model.account.available).toBe(250);
    model.apply(planRedeem(model.account, redemption(120), '2026-07-01T00:00:00.000Z') as Plan);
    const first = model.lots.get('order:s:o1') as Lot;
    const second = model.lots.get('order:s:o2') as Lot;
    expect(unspentInLot(model.account, first)).toBe(30);
    expect(unspentInLot(model.account, second)).toBe(100);
    model.apply(planExpiry(model.account, first, '2027-01-02T00:00:00.000Z'));
    expect(model.account).toMatchObject({ available: 100, expired: 30 });
    model.apply(planExpiry(model.account, second, '2027-06-02T00:00:00.000Z'));
    expect(model.account).toMatchObject({ available: 0, expired: 130 });
  });

  it('never lets a later lot expire before an older one', () => {
    const model = new Model();
    model.apply(planEarn(model.account, instant, purchase('o1', 10000), 0, t0));
    model.apply(planEarn(model.account, { ...instant, expiryDays: 30 }, purchase('o2', 10000), 0, '2026-02-01T00:00:00.000Z'));
    expect((model.lots.get('order:s:o2') as Lot).expiresAt).toBe((model.lots.get('order:s:o1') as Lot).expiresAt);
  });

  it('refuses to overdraw with a redemption or a negative adjustment', () => {
    const model = new Model();
    model.apply(planEarn(model.account, instant, purchase('o1', 1000), 0, t0));
    expect(planRedeem(model.account, redemption(61), t0)).toEqual({ kind: 'insufficient-points', available: 60 });
    expect(planAdjustment(model.account, { adjustmentId: 'a', points: -61, reason: 'x', by: 'm' }, instant, t0)).toEqual({ kind: 'insufficient-points', available: 60 });
    model.apply(planAdjustment(model.account, { adjustmentId: 'a', points: -60, reason: 'x', by: 'm' }, instant, t0) as Plan);
    expect(model.account.available).toBe(0);
  });

  it('upgrades the tier when qualifying spend crosses a threshold, with the multiplier applying to later purchases', () => {
    const model = new Model();
    const earn = planEarn(model.account, instant, purchase('o1', 60000), 0, t0);
    expect(earn.tierChange).toMatchObject({ from: null, to: 'Silver', direction: 'up' });
    model.apply(earn);
    model.apply(planEarn(model.account, instant, purchase('o2', 10000), 60000, t0));
    expect(model.ledger.at(-1)?.points).toBe(125);
    const review = planTierReview(model.account, instant, 0, '2027-06-01T00:00:00.000Z');
    expect(review?.tierChange).toMatchObject({ from: 'Silver', to: 'Bronze', direction: 'down' });
    expect(planTierReview(model.account, { ...instant, tierDowngrade: 'none' }, 0, '2027-06-01T00:00:00.000Z')).toBeUndefined();
  });
});
