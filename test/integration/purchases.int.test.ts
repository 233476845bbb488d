import { handler as getPurchase } from '../../functions/purchases/get-purchase.handler';
import { handler as listPurchases } from '../../functions/purchases/list-customer-purchases.handler';
import { handler as recordPurchase } from '../../functions/purchases/record-purchase.handler';
import { handler as refundPurchase } from '../../functions/purchases/refund-purchase.handler';
import { apiEvent, call, customer, marketer, storefront, uniqueId } from '../support/api-event';
import { tableItems } from '../support/table-snapshot';

const TABLE = process.env.PURCHASES_TABLE_NAME as string;

const post = (storeId: string, body: unknown, rawBody?: string, headers?: Record<string, string>) =>
  call(recordPurchase, apiEvent({ routeKey: 'POST /v1/purchases', path: '/v1/purchases', body, rawBody, headers, authorizer: storefront(storeId) }));
const refund = (storeId: string, orderId: string, body: unknown) =>
  call(
    refundPurchase,
    apiEvent({ routeKey: 'POST /v1/purchases/{orderId}/refunds', path: `/v1/purchases/${orderId}/refunds`, pathParameters: { orderId }, body, authorizer: storefront(storeId) }),
  );
const get = (storeId: string, orderId: string) =>
  call(getPurchase, apiEvent({ routeKey: 'GET /v1/purchases/{orderId}', path: `/v1/purchases/${orderId}`, pathParameters: { orderId }, authorizer: storefront(storeId) }));

describe('POST /v1/purchases on DynamoDB Local', () => {
  it('records once: 201, then 200 with the same purchase for the same body, 409 for a different one', async () => {
    const store = uniqueId('store');
    const body = { orderId: 'o-1', customerId: 'c-1', amount: '404.95', currency: 'USD', items: [{ sku: 'MUG', quantity: 2, unitPrice: '12.50' }] };
    const created = await post(store, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ orderId: 'o-1', amount: '404.95', amountMinor: 40495, currency: 'USD' });
    expect(created.headers.location).toBe('/v1/purchases/o-1');

    const replay = await post(store, { ...body, amount: 404.95, currency: 'usd' });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(created.body);

    const conflict = await post(store, { ...body, amount: '1.00' });
    expect(conflict.status).toBe(409);
    expect(conflict.headers['content-type']).toBe('application/problem+json');
    expect(conflict.body.type).toBe('urn:loyalty-loop:problem:order-conflict');
  });

  // Issue 7.7: invalid UTF-8 used to be replaced by U+FFFD and recorded.
  it('answers 400 for a body that is not valid UTF-8 and records nothing', async () => {
    const store = uniqueId('store');
    const bytes = Buffer.concat([Buffer.from('{"orderId":"o-utf8","customerId":"c-1","amount":"1.00","currency":"USD","channel":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const event = { ...apiEvent({ routeKey: 'POST /v1/purchases', path: '/v1/purchases', authorizer: storefront(store) }), body: bytes.toString('base64'), isBase64Encoded: true };
    const response = await call(recordPurchase, event);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: 'urn:loyalty-loop:problem:malformed-json', detail: 'The request body is not valid UTF-8' });
    expect((await get(store, 'o-utf8')).status).toBe(404);
  });

  it('stores the PurchaseRecorded event on the purchase item itself (the outbox)', async () => {
    const store = uniqueId('store');
    await post(store, { orderId: 'o-1', customerId: 'c-1', amount: '10', currency: 'JPY' });
    const item = (await tableItems(TABLE)).find((candidate) => candidate.pk === `STORE#${store}#ORDER#o-1`);
    expect(item?.outbox).toMatchObject({
      eventId: `purchase-recorded:${store}:o-1`,
      source: 'loyalty-loop.purchases',
      detailType: 'PurchaseRecorded',
      detail: { metadata: { version: 1 }, data: { amountMinor: 10, currency: 'JPY', storeId: store } },
    });
  });

  it('creates exactly one purchase under 10 concurrent identical requests', async () => {
    const store = uniqueId('store');
    const body = { orderId: 'o-race', customerId: 'c-1', amount: '5.00', currency: 'EUR' };
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(store, body)));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(9);
    const items = (await tableItems(TABLE)).filter((item) => String(item.pk).startsWith(`STORE#${store}#`));
    expect(items).toHaveLength(1);
  });

  it('rejects bad input with problem+json naming the field, and changes nothing', async () => {
    const store = uniqueId('store');
    const before = await tableItems(TABLE);
    const cases: [unknown, string | undefined, Record<string, string> | undefined, number, string][] = [
      [undefined, '{"orderId": ', undefined, 400, ''],
      [{ orderId: 'o', customerId: 'c', amount: '1.001', currency: 'USD' }, undefined, undefined, 400, '/amount'],
      [{ orderId: 'o', customerId: 'c', amount: '-1', currency: 'USD' }, undefined, undefined, 400, '/amount'],
      [{ orderId: 'o', customerId: 'c', amount: '1', currency: 'QQQ' }, undefined, undefined, 400, '/currency'],
      [{ orderId: 'o', customerId: 'c', amount: '1', currency: 'USD' }, undefined, { 'content-type': 'text/plain' }, 415, ''],
      [undefined, JSON.stringify({ orderId: 'o', customerId: 'c', amount: '1', currency: 'USD', pad: 'x'.repeat(200_000) }), undefined, 413, ''],
    ];
    for (const [body, raw, headers, status, pointer] of cases) {
      const response = await post(store, body, raw, headers);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.body).toMatchObject({ status, type: expect.stringMatching(/^urn:loyalty-loop:problem:/), title: expect.any(String), detail: expect.any(String) });
      if (pointer) expect((response.body.errors as { pointer: string }[]).map((error) => error.pointer)).toContain(pointer);
      expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(await tableItems(TABLE)).toEqual(before);
  });

  it('shows a store only its own purchases', async () => {
    const storeA = uniqueId('store');
    const storeB = uniqueId('store');
    const customerId = uniqueId('cust');
    await post(storeA, { orderId: 'shared-id', customerId, amount: '10.00', currency: 'USD' });
    expect((await get(storeB, 'shared-id')).status).toBe(404);
    expect((await get(storeA, 'shared-id')).status).toBe(200);
    const listed = await call(
      listPurchases,
      apiEvent({ routeKey: 'GET /v1/customers/{customerId}/purchases', path: `/v1/customers/${customerId}/purchases`, pathParameters: { customerId }, authorizer: storefront(storeB) }),
    );
    expect(listed.body.items).toEqual([]);
  });
});

describe('refunds on DynamoDB Local', () => {
  it('is idempotent on refundId and never refunds more than the purchase, even concurrently', async () => {
    const store = uniqueId('store');
    await post(store, { orderId: 'o-r', customerId: 'c-1', amount: '10.00', currency: 'USD' });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => refund(store, 'o-r', { refundId: `r-${index}`, amount: '1.00' })));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(10);
    expect(responses.filter((response) => response.status === 422)).toHaveLength(10);
    const purchase = await get(store, 'o-r');
    expect(purchase.body).toMatchObject({ refundedAmountMinor: 1000, refundedAmount: '10.00' });
    expect(purchase.body.refunds).toHaveLength(10);

    const accepted = responses.findIndex((response) => response.status === 201);
    const again = await refund(store, 'o-r', { refundId: `r-${accepted}`, amount: '1.00' });
    expect(again.status).toBe(200);
    expect((await refund(store, 'o-r', { refundId: `r-${accepted}`, amount: '2.00' })).status).toBe(409);
  });

  it('holds a refund for an order not recorded yet (202; see out-of-order-refunds) and validates the amount against the purchase currency', async () => {
    const store = uniqueId('store');
    expect((await refund(store, 'missing', { refundId: 'r', amount: '1' })).status).toBe(202);
    await post(store, { orderId: 'o-jpy', customerId: 'c', amount: '1000', currency: 'JPY' });
    const invalid = await refund(store, 'o-jpy', { refundId: 'r', amount: '1.5' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([{ pointer: '/amount', detail: 'JPY allows at most 0 decimal places' }]);
  });

  it('carries the PurchaseRefunded event on the refund item, with the running total', async () => {
    const store = uniqueId('store');
    await post(store, { orderId: 'o-e', customerId: 'c-9', amount: '10.00', currency: 'USD' });
    await refund(store, 'o-e', { refundId: 'r1', amount: '4.00' });
    await refund(store, 'o-e', { refundId: 'r2', amount: '6.00' });
    const items = (await tableItems(TABLE)).filter((item) => item.pk === `STORE#${store}#ORDER#o-e` && item.type === 'refund');
    const details = items.map((item) => (item.outbox as { detail: { data: Record<string, unknown> } }).detail.data).sort((a, b) => Number(a.refundedTotalMinor) - Number(b.refundedTotalMinor));
    expect(details).toEqual([
      expect.objectContaining({ refundId: 'r1', amountMinor: 400, refundedTotalMinor: 400, fullyRefunded: false, customerId: 'c-9' }),
      expect.objectContaining({ refundId: 'r2', amountMinor: 600, refundedTotalMinor: 1000, fullyRefunded: true }),
    ]);
  });
});

describe('GET /v1/customers/{customerId}/purchases on DynamoDB Local', () => {
  const list = (customerId: string, authorizer: ReturnType<typeof storefront>, query?: Record<string, string>) =>
    call(
      listPurchases,
      apiEvent({ routeKey: 'GET /v1/customers/{customerId}/purchases', path: `/v1/customers/${customerId}/purchases`, pathParameters: { customerId }, query, authorizer }),
    );

  it('pages newest first with a cursor, for the store, the customer and marketers', async () => {
    const store = uniqueId('store');
    const otherStore = uniqueId('store');
    const customerId = uniqueId('cust');
    for (let index = 0; index < 25; index++) {
      const occurredAt = new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString();
      await post(store, { orderId: `o-${String(index).padStart(2, '0')}`, customerId, amount: '1.00', currency: 'USD', occurredAt });
    }
    await post(otherStore, { orderId: 'elsewhere', customerId, amount: '1.00', currency: 'USD', occurredAt: '2026-02-01T00:00:00Z' });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(customerId, storefront(store), { limit: '10', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      seen.push(...(page.body.items as { orderId: string }[]).map((item) => item.orderId));
      cursor = page.body.nextCursor as string | undefined;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => `o-${String(24 - index).padStart(2, '0')}`));

    const asCustomer = await list(customerId, customer(customerId), { limit: '100' });
    expect((asCustomer.body.items as unknown[]).length).toBe(26);
    expect((asCustomer.body.items as { orderId: string }[])[0]?.orderId).toBe('elsewhere');
    const asMarketer = await list(customerId, marketer(), { limit: '3' });
    expect((asMarketer.body.items as unknown[]).length).toBe(3);
  });

  it('rejects another listing\'s cursor and bad limits', async () => {
    const store = uniqueId('store');
    await post(store, { orderId: 'a', customerId: 'c-a', amount: '1', currency: 'USD' });
    await post(store, { orderId: 'b', customerId: 'c-a', amount: '1', currency: 'USD' });
    const first = await list('c-a', storefront(store), { limit: '1' });
    const foreign = await list('c-b', storefront(store), { cursor: first.body.nextCursor as string });
    expect(foreign.status).toBe(400);
    expect((await list('c-a', storefront(store), { limit: '101' })).status).toBe(400);
    expect((await list('c-a', storefront(store), { limit: 'ten' })).status).toBe(400);
  });
});
