import fc from 'fast-check';
import { activityView, applyPurchase, applyRefund, emptyActivity } from '../../functions/customers/domain/activity';
import { activityFromItem } from '../../functions/customers/customers.items';
import { CorruptItemError } from '../../shared/aws/items';
import { formatMinor, MAX_AMOUNT_MINOR } from '../../shared/domain/money';

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

describe('activity totals stay exact (issue 7.4)', () => {
  it('adds random amounts up to the per-purchase bound many times without losing a unit (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: MAX_AMOUNT_MINOR }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 0, max: 200_000 }), (amounts, maximalPurchases) => {
        let activity = emptyActivity('c1');
        let expected = 0n;
        for (const amountMinor of amounts) {
          activity = applyPurchase(activity, { amountMinor, currency: 'USD', occurredAt: '2026-01-01T00:00:00Z' });
          expected += BigInt(amountMinor);
        }
        // Stand in for many more maximal purchases already on record (as read back from storage).
        const stored = { ...activity, spentMinor: { USD: (BigInt(activity.spentMinor.USD ?? '0') + BigInt(maximalPurchases) * BigInt(MAX_AMOUNT_MINOR)).toString() } };
        expected += BigInt(maximalPurchases) * BigInt(MAX_AMOUNT_MINOR);
        const next = applyPurchase(stored, { amountMinor: MAX_AMOUNT_MINOR, currency: 'USD', occurredAt: '2026-01-02T00:00:00Z' });
        expected += BigInt(MAX_AMOUNT_MINOR);
        expect(next.spentMinor.USD).toBe(expected.toString());
        const view = activityView(next).spend[0];
        expect(view?.spent).toBe(formatMinor(expected, 'USD'));
        expect(BigInt(view?.spentMinor ?? -1)).toBe(expected);
        // A JSON number only while it is exact; its digits as text beyond 2^53 − 1.
        expect(typeof view?.spentMinor).toBe(expected <= BigInt(Number.MAX_SAFE_INTEGER) ? 'number' : 'string');
      }),
      { numRuns: 200 },
    );
  });

  it('reads totals stored as numbers before they were kept as text', () => {
    const activity = activityFromItem('c1', { version: 3, activity: { customerId: 'c1', orderCount: 2, refundCount: 0, spentMinor: { USD: 1234, EUR: '99' } } });
    expect(activity.spentMinor).toEqual({ USD: '1234', EUR: '99' });
    expect(activity.refundedMinor).toEqual({});
    expect(activity.version).toBe(3);
  });

  it('refuses a stored summary that does not match, naming the field', () => {
    expect(() => activityFromItem('c1', { version: 1, activity: { customerId: 'c1', spentMinor: { USD: '12.5' } } })).toThrow(CorruptItemError);
    expect(() => activityFromItem('c1', { activity: { customerId: 'c1' } })).toThrow(/customer activity does not match its schema: version/);
  });
});
