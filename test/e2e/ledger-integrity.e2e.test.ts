import { signShopify } from '../../functions/webhooks/domain/signatures';
import { api, eventually, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Issue 7's reproductions, each on the running local runtime (demo program: 1 point per USD, first purchase +50,
 * 14 pending days): inflated awards from line items, refunds that arrive before their order (API and Shopify), an
 * amount beyond the bound, and a 1,000-item batch for one customer.
 */
let runtime: RuntimeProcess;
let key: string;
let marketer: string;
const SHOPIFY_SECRET = 'shpss_integrity_secret';

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  key = (JSON.parse(await runtime.cli('keys', 'create', '--store', 'integrity', '--json')) as { key: string }).key;
  marketer = (await runtime.cli('token', '--marketer', 'ana')).trim();
  await runtime.cli('stores', 'set-secret', '--store', 'integrity', '--platform', 'shopify', '--secret', SHOPIFY_SECRET);
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
});

const store = () => ({ 'x-api-key': key });
const loyaltyOf = async (customerId: string) => (await api(runtime.url, 'GET', `/v1/customers/${customerId}/loyalty`, { headers: store() })).body;
const ledgerOf = async (customerId: string) =>
  (await api(runtime.url, 'GET', `/v1/customers/${customerId}/ledger`, { headers: store() })).body.items as { type: string; points: number; explanation?: { step: string; description: string; points: number }[] }[];

describe('ledger integrity on the local runtime', () => {
  it('earns what 10.00 earns for a 10.00 order claiming a million items at 1,000.00', async () => {
    const purchase = { orderId: 'inflated-1', customerId: 'ic-1', amount: '10.00', currency: 'USD', items: [{ sku: 'X', quantity: 1_000_000, unitPrice: '1000.00' }] };
    expect((await api(runtime.url, 'POST', '/v1/purchases', { body: purchase, headers: store() })).status).toBe(201);
    const view = await eventually(async () => {
      const body = await loyaltyOf('ic-1');
      return (body.lifetimeEarned as number) > 0 ? body : undefined;
    });
    // 10 points for 10.00 USD, plus the demo program's first-purchase bonus of 50.
    expect(view).toMatchObject({ pending: 60, lifetimeEarned: 60 });
    const earn = (await ledgerOf('ic-1')).find((entry) => entry.type === 'earn');
    expect(earn?.points).toBe(10);
    expect(earn?.explanation?.some((step) => step.step === 'note' && step.description.includes('scaled down'))).toBe(true);
  });

  it('applies a refund that arrived before its purchase, once, and reverses the points', async () => {
    const held = await api(runtime.url, 'POST', '/v1/purchases/early-1/refunds', { body: { refundId: 'early-r', amount: '100.00' }, headers: store() });
    expect(held.status).toBe(202);
    expect(held.body).toMatchObject({ status: 'held' });
    const created = await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'early-1', customerId: 'ic-2', amount: '100.00', currency: 'USD' }, headers: store() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ refundedAmountMinor: 10000 });
    const view = await eventually(async () => {
      const body = await loyaltyOf('ic-2');
      return body.lifetimeEarned === 150 && body.pending === 0 ? body : undefined;
    }, 30_000);
    expect(view).toMatchObject({ available: 0, pending: 0 });
    const types = (await ledgerOf('ic-2')).map((entry) => entry.type);
    expect(types.filter((type) => type === 'reverse')).toHaveLength(1);
  });

  it('holds a Shopify refunds/create that arrives before orders/paid, applies it when the order arrives, and ignores duplicates of each', async () => {
    const shopify = async (topic: string, payload: unknown, deliveryId: string) => {
      const body = JSON.stringify(payload);
      const response = await fetch(`${runtime.url}/v1/webhooks/shopify/integrity`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-topic': topic, 'x-shopify-hmac-sha256': signShopify(body, SHOPIFY_SECRET), 'x-shopify-webhook-id': deliveryId },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const refund = { id: 9100001, order_id: 8100001, note: 'damaged', transactions: [{ kind: 'refund', status: 'success', amount: '40.00' }] };
    const order = { id: 8100001, email: 'early@example.com', currency: 'USD', total_price: '40.00', customer: { id: 7100001 }, line_items: [] };
    expect((await shopify('refunds/create', refund, 'early-refund-1')).status).toBe(200);
    expect((await shopify('refunds/create', refund, 'early-refund-2')).status).toBe(200);
    expect((await shopify('orders/paid', order, 'early-order-1')).status).toBe(200);
    expect((await shopify('orders/paid', order, 'early-order-2')).status).toBe(200);
    const purchases = await api(runtime.url, 'GET', '/v1/customers/7100001/purchases', { headers: store() });
    const purchase = (purchases.body.items as { orderId: string; refundedAmountMinor: number }[])[0];
    expect(purchase?.refundedAmountMinor).toBe(4000);
    const view = await eventually(async () => {
      const body = await loyaltyOf('7100001');
      return body.lifetimeEarned === 90 && body.pending === 0 ? body : undefined;
    }, 30_000);
    expect(view).toMatchObject({ pending: 0 });
  });

  it('rejects an amount beyond 10^11 minor units naming the field, and the customer keeps working', async () => {
    const tooLarge = await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'huge-1', customerId: 'ic-3', amount: '90071992547409.91', currency: 'USD' }, headers: store() });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.errors).toEqual([{ pointer: '/amount', detail: 'must be at most 1000000000.00 USD (100000000000 minor units)' }]);
    const largest = await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'huge-2', customerId: 'ic-3', amount: '1000000000.00', currency: 'USD' }, headers: store() });
    expect(largest.status).toBe(201);
    expect((await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'huge-3', customerId: 'ic-3', amount: '1.00', currency: 'USD' }, headers: store() })).status).toBe(201);
    const activity = await eventually(async () => {
      const body = (await api(runtime.url, 'GET', '/v1/customers/ic-3/activity', { headers: store() })).body;
      return body.orderCount === 2 ? body : undefined;
    });
    expect(activity.spend).toEqual([expect.objectContaining({ spent: '1000000001.00', spentMinor: 100000000100 })]);
    const before = await api(runtime.url, 'POST', '/v1/purchases', { body: { orderId: 'old-1', customerId: 'ic-3', amount: '1.00', currency: 'USD', occurredAt: '1999-12-31T23:59:59Z' }, headers: store() });
    expect(before.status).toBe(400);
    expect((before.body.errors as { pointer: string }[])[0]?.pointer).toBe('/occurredAt');
  });

  it('applies 1,000 adjustments of one customer in one batch request, every one, and tells each result', async () => {
    const items = Array.from({ length: 1000 }, (_, index) => ({ customerId: 'ic-batch', adjustmentId: `b-${index}`, points: 2, reason: 'Migration from the old program' }));
    const response = await api(runtime.url, 'POST', '/v1/adjustments/batch', { body: { items }, headers: { authorization: `Bearer ${marketer}` } });
    expect(response.status).toBe(200);
    expect(response.body.summary).toEqual({ created: 1000, replayed: 0, failed: 0, notAttempted: 0 });
    expect((await loyaltyOf('ic-batch')).available).toBe(2000);
  }, 60_000);
});
