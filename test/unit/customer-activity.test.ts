import { activityView, applyPurchase, applyRefund, emptyActivity } from '../../functions/customers/domain/activity';

describe('customer activity', () => {
  it('keeps totals per currency and the first and last purchase whatever the arrival order', () => {
    let activity = emptyActivity('c1');
    activity = applyPurchase(activity, { amountMinor: 1000, currency: 'USD', occurredAt: '2026-02-01T00:00:00Z' });
    activity = applyPurchase(activity, { amountMinor: 500, currency: 'EUR', occurredAt: '2026-01-01T00:00:00Z' });
    activity = applyRefund(activity, { amountMinor: 250, currency: 'USD' });
    expect(activity).toMatchObject({ orderCount: 2, refundCount: 1, firstPurchaseAt: '2026-01-01T00:00:00Z', lastPurchaseAt: '2026-02-01T00:00:00Z', version: 3 });
    expect(activityView(activity).spend).toEqual([
      { currency: 'EUR', spent: '5.00', spentMinor: 500, refunded: '0.00', refundedMinor: 0, net: '5.00', netMinor: 500 },
      { currency: 'USD', spent: '10.00', spentMinor: 1000, refunded: '2.50', refundedMinor: 250, net: '7.50', netMinor: 750 },
    ]);
  });
});
