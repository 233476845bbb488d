import { decideRefund, fingerprintOf, newPurchase, purchaseView } from '../../functions/purchases/domain/purchase';
import { recordPurchaseBody } from '../../functions/purchases/purchase.schema';
import { fieldErrorsFromZod } from '../../shared/http/problem';

const now = new Date('2026-11-22T10:00:00.000Z');
const schema = recordPurchaseBody(() => now);

describe('recording a purchase', () => {
  it('normalizes amounts, currency and email', () => {
    const parsed = schema.parse({ orderId: 'o1', customerId: 'c1', amount: '404.95', currency: 'usd', email: 'Jo@Example.COM', items: [{ sku: 'A', quantity: 2, unitPrice: 12.5 }] });
    expect(parsed).toMatchObject({ amountMinor: 40495, currency: 'USD', email: 'jo@example.com', items: [{ sku: 'A', quantity: 2, unitPriceMinor: 1250 }] });
  });

  it('fingerprints equal requests equally, whatever the notation', () => {
    const a = schema.parse({ orderId: 'o1', customerId: 'c1', amount: '10.00', currency: 'USD' });
    const b = schema.parse({ currency: 'usd', amount: 10, customerId: 'c1', orderId: 'o1' });
    const c = schema.parse({ orderId: 'o1', customerId: 'c1', amount: '10.01', currency: 'USD' });
    expect(fingerprintOf({ ...a, storeId: 's' })).toBe(fingerprintOf({ ...b, storeId: 's' }));
    expect(fingerprintOf({ ...a, storeId: 's' })).not.toBe(fingerprintOf({ ...c, storeId: 's' }));
  });

  it.each([
    [{ customerId: 'c1', amount: '1', currency: 'USD' }, '/orderId', 'is required'],
    [{ orderId: 'o 1', customerId: 'c1', amount: '1', currency: 'USD' }, '/orderId', 'must be 1-128'],
    [{ orderId: 'o1', customerId: 'c1', amount: '1.001', currency: 'USD' }, '/amount', 'USD allows at most 2 decimal places'],
    [{ orderId: 'o1', customerId: 'c1', amount: '0', currency: 'USD' }, '/amount', 'greater than zero'],
    [{ orderId: 'o1', customerId: 'c1', amount: '1', currency: 'ABC' }, '/currency', 'not an active ISO 4217'],
    [{ orderId: 'o1', customerId: 'c1', amount: true, currency: 'USD' }, '/amount', 'decimal string'],
    [{ orderId: 'o1', customerId: 'c1', amount: '1', currency: 'USD', extra: 1 }, '/extra', 'not a recognized field'],
    [{ orderId: 'o1', customerId: 'c1', amount: '1', currency: 'USD', occurredAt: '2030-01-01T00:00:00Z' }, '/occurredAt', 'future'],
    [{ orderId: 'o1', customerId: 'c1', amount: '1', currency: 'USD', items: [{ quantity: 0 }] }, '/items/0/quantity', ''],
    [{ orderId: 'o1', customerId: 'c1', amount: '1', currency: 'JPY', items: [{ quantity: 1, unitPrice: '1.5' }] }, '/items/0/unitPrice', 'JPY allows at most 0'],
  ])('rejects %j at %s', (body, pointer, message) => {
    const result = schema.safeParse(body);
    expect(result.success).toBe(false);
    if (!result.success) {
      const error = fieldErrorsFromZod(result.error).find((candidate) => candidate.pointer === pointer);
      expect(error?.detail).toContain(message);
    }
  });

  it('defaults occurredAt to the time it is first recorded', () => {
    const purchase = newPurchase({ storeId: 's', orderId: 'o', customerId: 'c', amountMinor: 1, currency: 'USD', items: [] }, now);
    expect(purchase.occurredAt).toBe(now.toISOString());
    expect(purchaseView(purchase, []).refundedAmount).toBe('0.00');
  });
});

describe('refund decisions', () => {
  it('never lets refunds exceed the purchase', () => {
    expect(decideRefund({ amountMinor: 1000, refundedMinor: 0 }, 400)).toEqual({ kind: 'accept', refundedTotalMinor: 400, fullyRefunded: false });
    expect(decideRefund({ amountMinor: 1000, refundedMinor: 400 }, 600)).toEqual({ kind: 'accept', refundedTotalMinor: 1000, fullyRefunded: true });
    expect(decideRefund({ amountMinor: 1000, refundedMinor: 400 }, 601)).toEqual({ kind: 'exceeds', remainingMinor: 600 });
  });
});
