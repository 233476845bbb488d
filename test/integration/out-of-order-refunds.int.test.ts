import { handler as getPurchase } from '../../functions/purchases/get-purchase.handler';
import { handler as recordPurchase } from '../../functions/purchases/record-purchase.handler';
import { handler as refundPurchase } from '../../functions/purchases/refund-purchase.handler';
import { refundPurchase as refundUseCase } from '../../functions/purchases/domain/use-cases';
import { PurchasesRepository } from '../../functions/purchases/purchases.repository';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { apiEvent, call, storefront, uniqueId } from '../support/api-event';
import { tableItems } from '../support/table-snapshot';

/**
 * Issue 7.3: a refund that arrives before its purchase was acknowledged and then never applied. Now it is held and
 * applied, once, in the transaction that records the purchase — whatever the order of arrival, and with duplicates.
 */
const TABLE = process.env.PURCHASES_TABLE_NAME as string;
const repository = new PurchasesRepository(dynamoDocumentClient(), TABLE);

const post = (storeId: string, body: unknown) => call(recordPurchase, apiEvent({ routeKey: 'POST /v1/purchases', path: '/v1/purchases', body, authorizer: storefront(storeId) }));
const refund = (storeId: string, orderId: string, body: unknown) =>
  call(refundPurchase, apiEvent({ routeKey: 'POST /v1/purchases/{orderId}/refunds', path: `/v1/purchases/${orderId}/refunds`, pathParameters: { orderId }, body, authorizer: storefront(storeId) }));
const get = (storeId: string, orderId: string) =>
  call(getPurchase, apiEvent({ routeKey: 'GET /v1/purchases/{orderId}', path: `/v1/purchases/${orderId}`, pathParameters: { orderId }, authorizer: storefront(storeId) }));
const orderItems = async (storeId: string, orderId: string) => (await tableItems(TABLE)).filter((item) => item.pk === `STORE#${storeId}#ORDER#${orderId}`);
const order = (orderId: string) => ({ orderId, customerId: 'c-1', amount: '100.00', currency: 'USD' });

describe('refunds that arrive before their purchase', () => {
  it('holds the refund (202), applies it once when the purchase is recorded, and replays it afterwards', async () => {
    const store = uniqueId('store');
    const held = await refund(store, 'o-1', { refundId: 'r-1', amount: '30.00', reason: 'damaged' });
    expect(held.status).toBe(202);
    expect(held.body).toMatchObject({ refundId: 'r-1', orderId: 'o-1', status: 'held', amount: '30.00' });
    expect((await refund(store, 'o-1', { refundId: 'r-1', amount: '30.00', reason: 'damaged' })).status).toBe(202);
    expect((await refund(store, 'o-1', { refundId: 'r-1', amount: '31.00', reason: 'damaged' })).status).toBe(409);
    expect((await get(store, 'o-1')).status).toBe(404);

    const created = await post(store, order('o-1'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ refundedAmountMinor: 3000, refunds: [expect.objectContaining({ refundId: 'r-1', amountMinor: 3000 })] });
    const read = await get(store, 'o-1');
    expect(read.body).toMatchObject({ amountMinor: 10000, refundedAmountMinor: 3000 });
    expect(read.body.refunds).toHaveLength(1);
    // The refund carries its PurchaseRefunded event (the outbox), as a refund that came later would.
    const items = await orderItems(store, 'o-1');
    const refundItem = items.find((item) => item.sk === 'REFUND#r-1');
    expect(refundItem?.outbox).toMatchObject({ detailType: 'PurchaseRefunded', detail: { data: { refundedTotalMinor: 3000, purchaseAmountMinor: 10000, fullyRefunded: false } } });
    expect(items.filter((item) => String(item.sk).startsWith('HELD#'))).toEqual([]);

    // Retries after the fact: the refund replays (200), the purchase replays with it.
    expect((await refund(store, 'o-1', { refundId: 'r-1', amount: '30.00', reason: 'damaged' })).status).toBe(200);
    const replay = await post(store, order('o-1'));
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ refundedAmountMinor: 3000 });
  });

  it('applies several held refunds in arrival order, skipping one that exceeds what remains', async () => {
    const store = uniqueId('store');
    expect((await refund(store, 'o-2', { refundId: 'a', amount: '60.00' })).status).toBe(202);
    expect((await refund(store, 'o-2', { refundId: 'b', amount: '50.00' })).status).toBe(202);
    expect((await refund(store, 'o-2', { refundId: 'c', amount: '40.00' })).status).toBe(202);
    const created = await post(store, order('o-2'));
    expect(created.status).toBe(201);
    expect(created.body.refundedAmountMinor).toBe(10000);
    expect((created.body.refunds as { refundId: string }[]).map((entry) => entry.refundId).sort()).toEqual(['a', 'c']);
  });

  it('holds a cancellation ("what remains") and refunds the whole purchase when it arrives', async () => {
    const store = uniqueId('store');
    const outcome = await refundUseCase(repository, { storeId: store, orderId: 'o-3', refundId: 'cancel-o-3', amount: {}, reason: 'Order cancelled' }, new Date());
    expect(outcome.kind).toBe('held');
    const created = await post(store, order('o-3'));
    expect(created.body).toMatchObject({ refundedAmountMinor: 10000, refunds: [expect.objectContaining({ refundId: 'cancel-o-3', amountMinor: 10000 })] });
  });

  it('races purchases against refunds (and duplicates of each): every refund lands exactly once', async () => {
    const store = uniqueId('store');
    const orders = Array.from({ length: 15 }, (_, index) => `race-${index}`);
    await Promise.all(
      orders.flatMap((orderId) => [
        post(store, order(orderId)),
        refund(store, orderId, { refundId: `r-${orderId}`, amount: '25.00' }),
        refund(store, orderId, { refundId: `r-${orderId}`, amount: '25.00' }),
        post(store, order(orderId)),
      ]),
    );
    for (const orderId of orders) {
      const read = await get(store, orderId);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ refundedAmountMinor: 2500 });
      expect(read.body.refunds).toHaveLength(1);
      const items = await orderItems(store, orderId);
      expect(items.map((item) => item.sk).sort()).toEqual(['PURCHASE', `REFUND#r-${orderId}`]);
    }
  }, 60_000);
});
