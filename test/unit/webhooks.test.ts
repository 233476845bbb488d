import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { addDecimals, customerIdentity } from '../../functions/webhooks/domain/actions';
import { parseJsonObject } from '../../functions/webhooks/webhook.runtime';
import { shopifyActions } from '../../functions/webhooks/domain/shopify';
import { signShopify, signStripe, verifyShopify, verifyStripe, verifyWooCommerce } from '../../functions/webhooks/domain/signatures';
import { stripeActions } from '../../functions/webhooks/domain/stripe';
import { wooCommerceActions } from '../../functions/webhooks/domain/woocommerce';

const samples = resolve(process.cwd(), '../shared/samples/webhooks');
const sample = (name: string) => parseJsonObject(readFileSync(resolve(samples, name)));
const haveSamples = existsSync(samples);
if (!haveSamples) console.warn(`Skipping official webhook samples: ${samples} is absent.`);

describe('webhook signatures', () => {
  const body = Buffer.from('{"id":1,"total_price":"10.00"}');

  it('verifies Shopify and WooCommerce HMACs over the raw bytes, rejecting a one-byte change', () => {
    const signature = signShopify(body, 'shpss_secret');
    expect(verifyShopify(body, signature, 'shpss_secret')).toBe(true);
    expect(verifyWooCommerce(body, signature, 'shpss_secret')).toBe(true);
    const tampered = Buffer.from(body);
    tampered[5] = (tampered[5] as number) ^ 1;
    expect(verifyShopify(tampered, signature, 'shpss_secret')).toBe(false);
    expect(verifyShopify(body, signature, 'another')).toBe(false);
    expect(verifyShopify(body, undefined, 'shpss_secret')).toBe(false);
    expect(verifyShopify(body, 'not base64 !!', 'shpss_secret')).toBe(false);
  });

  it('verifies Stripe signatures: any v1 may match, at most 300 s old', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    const t = Math.floor(now.getTime() / 1000);
    const header = signStripe(body, 'whsec_test', t);
    expect(verifyStripe(body, header, 'whsec_test', now)).toEqual({ ok: true });
    expect(verifyStripe(body, `t=${t},v1=${'0'.repeat(64)},${header.split(',')[1]}`, 'whsec_test', now)).toEqual({ ok: true });
    expect(verifyStripe(body, header, 'whsec_test', new Date(now.getTime() + 301_000))).toEqual({ ok: false, reason: 'stale' });
    expect(verifyStripe(body, header, 'whsec_other', now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyStripe(body, 'v1=abc', 'whsec_test', now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyStripe(body, undefined, 'whsec_test', now)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('webhook mapping', () => {
  it('uses the normalized email as the identity of a guest, and refuses neither', () => {
    expect(customerIdentity(null, ' Jo@Example.COM ')).toEqual({ customerId: 'jo@example.com', email: 'jo@example.com' });
    expect(customerIdentity(42, 'a@b.co')).toEqual({ customerId: '42', email: 'a@b.co' });
    expect(customerIdentity(0, undefined)).toBeUndefined();
  });

  it('maps Shopify orders/paid, refunds/create, orders/cancelled and unknown topics', () => {
    // Shopify's documented ids exceed 2^53: parsed as the runtime parses them (exactly), never with JSON.parse.
    const order = parseJsonObject(
      Buffer.from('{"id":820982911946154508,"email":"jon@example.com","currency":"USD","total_price":"254.98","processed_at":"2026-11-20T10:00:00-05:00","customer":{"id":115310627314723954},"line_items":[{"id":866550311766439020,"sku":"IPOD2008PINK","quantity":1,"price":"199.00"}],"discount_codes":[{"code":"FRIEND10"}]}'),
    );
    expect(shopifyActions('orders/paid', order)).toEqual([
      expect.objectContaining({ kind: 'purchase', orderId: 'shopify:820982911946154508', customerId: '115310627314723954', amount: '254.98', currency: 'USD', referralCode: 'FRIEND10', occurredAt: '2026-11-20T15:00:00.000Z', items: [{ sku: 'IPOD2008PINK', quantity: 1, unitPrice: '199.00' }] }),
    ]);
    expect(shopifyActions('refunds/create', { id: 929361464, order_id: 450789469, transactions: [{ kind: 'refund', status: 'success', amount: '41.94' }, { kind: 'refund', status: 'failure', amount: '9.00' }] })).toEqual([
      expect.objectContaining({ kind: 'refund', orderId: 'shopify:450789469', refundId: 'shopify-refund-929361464', amount: '41.94' }),
    ]);
    expect(shopifyActions('orders/cancelled', { id: 7 })).toEqual([expect.objectContaining({ kind: 'refund-remaining', orderId: 'shopify:7', refundId: 'shopify-cancel-7' })]);
    expect(shopifyActions('products/update', {})).toEqual([{ kind: 'ignore', note: 'topic products/update is not handled' }]);
  });

  (haveSamples ? it : it.skip)('maps the official Stripe samples', () => {
    const session = sample('stripe-openapi-fixture-checkout-session.json');
    expect(stripeActions({ type: 'checkout.session.completed', data: { object: session } })[0]?.kind).toBe('ignore');
    const paid = { ...session, payment_status: 'paid', amount_total: 40495, currency: 'usd' };
    expect(stripeActions({ type: 'checkout.session.completed', data: { object: paid } })).toEqual([
      expect.objectContaining({ kind: 'purchase', orderId: 'stripe:pi_1PgafyB7WZ01zgkWSjxsAJo3', customerId: 'example@example.com', amount: '404.95', currency: 'USD' }),
    ]);
    const charge = { ...sample('stripe-openapi-fixture-charge.json'), amount_refunded: 50, payment_intent: 'pi_1' };
    expect(stripeActions({ type: 'charge.refunded', data: { object: charge } })).toEqual([
      expect.objectContaining({ kind: 'refund-remaining', orderId: 'stripe:pi_1', upToMinor: 50, refundId: 'stripe-ch_1PgafuB7WZ01zgkWXYmPNZs8-50' }),
    ]);
    expect(stripeActions(sample('stripe-openapi-fixture-event.json'))).toEqual([{ kind: 'ignore', note: 'event type plan.created is not handled' }]);
  });

  (haveSamples ? it : it.skip)('maps the official WooCommerce order, its refunds and status changes', () => {
    const order = sample('woocommerce-order.json');
    expect(wooCommerceActions('order.created', order)).toEqual([
      expect.objectContaining({ kind: 'purchase', orderId: 'woocommerce:727', customerId: 'john.doe@example.com', amount: '29.35', currency: 'USD', occurredAt: '2017-03-22T19:28:08.000Z' }),
    ]);
    const refunded = wooCommerceActions('order.updated', { ...order, status: 'refunded', refunds: [{ id: 726, total: '-10.00', reason: 'damaged' }] });
    expect(refunded.map((action) => action.kind)).toEqual(['purchase', 'refund', 'refund-remaining']);
    expect(wooCommerceActions('order.updated', { ...order, status: 'pending', date_paid: null, date_paid_gmt: null })).toEqual([{ kind: 'ignore', note: 'order status pending is not paid' }]);
  });
});

describe('exact storefront ids (issue 7.2)', () => {
  const order = (id: string, customerId: string) =>
    Buffer.from(`{"id":${id},"email":"a@example.com","currency":"USD","total_price":"10.00","customer":{"id":${customerId}},"line_items":[{"id":${id}1,"sku":"S","quantity":1,"price":"10.00"}]}`);

  it('keeps ids above 2^53 exact: two orders differing in the last digit stay two orders of two customers', () => {
    const first = shopifyActions('orders/paid', parseJsonObject(order('820982911946154508', '115310627314723954')));
    const second = shopifyActions('orders/paid', parseJsonObject(order('820982911946154509', '115310627314723955')));
    expect(first[0]).toMatchObject({ kind: 'purchase', orderId: 'shopify:820982911946154508', customerId: '115310627314723954' });
    expect(second[0]).toMatchObject({ kind: 'purchase', orderId: 'shopify:820982911946154509', customerId: '115310627314723955' });
    // JSON.parse would have made them one order of one customer.
    expect(String((JSON.parse(order('820982911946154508', '1').toString()) as { id: number }).id)).toBe('820982911946154500');
  });

  it('keeps refund and order ids of refunds exact, and sums refunded transactions without floating point', () => {
    const body = Buffer.from('{"id":929361464,"order_id":820982911946154508,"note":"x","transactions":[{"kind":"refund","status":"success","amount":"0.10"},{"kind":"refund","status":"success","amount":"0.20"},{"kind":"refund","status":"success","amount":"0.05"}]}');
    expect(shopifyActions('refunds/create', parseJsonObject(body))).toEqual([
      { kind: 'refund', orderId: 'shopify:820982911946154508', refundId: 'shopify-refund-929361464', amount: '0.35', reason: 'x' },
    ]);
    expect(addDecimals(['0.10', '0.20', '0.05'])).toBe('0.35');
    expect(addDecimals(['1', '2.5', '0.125'])).toBe('3.625');
  });

  it('keeps amounts that a number holds exactly as numbers, and everything else as its text', () => {
    const parsed = parseJsonObject(Buffer.from('{"a":120.5,"b":9007199254740993,"c":1.0,"d":42,"e":1e400}'));
    expect(parsed).toEqual({ a: 120.5, b: '9007199254740993', c: '1.0', d: 42, e: '1e400' });
  });

  it('namespaces order ids by platform, so Shopify 6002 and WooCommerce 6002 are two purchases', () => {
    const shopify = shopifyActions('orders/paid', { id: 6002, email: 'a@example.com', currency: 'USD', total_price: '10.00', customer: { id: 1 } });
    const woo = wooCommerceActions('order.created', { id: 6002, status: 'processing', date_paid_gmt: '2026-11-01T10:00:00', currency: 'USD', total: '10.00', customer_id: 1 });
    expect(shopify[0]).toMatchObject({ orderId: 'shopify:6002' });
    expect(woo[0]).toMatchObject({ orderId: 'woocommerce:6002' });
    const stripe = stripeActions({ type: 'checkout.session.completed', data: { object: { id: 'cs_1', payment_intent: 'pi_1', payment_status: 'paid', customer: 'cus_1', currency: 'usd', amount_total: 1000 } } });
    expect(stripe[0]).toMatchObject({ orderId: 'stripe:pi_1' });
  });

  it('rejects a delivery without an order id, naming the field', () => {
    expect(shopifyActions('orders/paid', { id: null, email: 'a@example.com', currency: 'USD', total_price: '1.00' })).toEqual([{ kind: 'reject', pointer: '/id', detail: 'is required: the order id' }]);
    expect(shopifyActions('refunds/create', { id: 1, transactions: [] })).toEqual([{ kind: 'reject', pointer: '/order_id', detail: 'is required: the refunded order id' }]);
    expect(shopifyActions('orders/cancelled', {})).toEqual([{ kind: 'reject', pointer: '/id', detail: 'is required: the order id' }]);
    expect(wooCommerceActions('order.updated', { status: 'processing' })).toEqual([{ kind: 'reject', pointer: '/id', detail: 'is required: the order id' }]);
    expect(stripeActions({ type: 'charge.refunded', data: { object: { currency: 'usd', amount_refunded: 5 } } })).toEqual([{ kind: 'reject', pointer: '/data/object/id', detail: 'is required: the charge id' }]);
  });
});
