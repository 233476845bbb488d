import { handler as cancelRedemption } from '../../functions/loyalty/cancel-redemption.handler';
import { handler as consumeCoupon } from '../../functions/loyalty/consume-coupon.handler';
import { handler as createRedemption } from '../../functions/loyalty/create-redemption.handler';
import { handler as createReward } from '../../functions/loyalty/create-reward.handler';
import { handler as getLedger } from '../../functions/loyalty/get-ledger.handler';
import { handler as listRedemptions } from '../../functions/loyalty/list-redemptions.handler';
import { adjustPoints, awardPurchase } from '../../functions/loyalty/domain/use-cases';
import { LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import type { AuthorizerContext } from '../../shared/http/principal';
import { apiEvent, call, customer, marketer, storefront, uniqueId } from '../support/api-event';

/**
 * Issue 7.6 — one merchant, many storefronts: stores share the customer and the program, but a store sees only its
 * own orders' details, idempotency keys belong to their caller, and coupons work across stores recording who used them.
 */
const repository = new LoyaltyRepository(dynamoDocumentClient(), process.env.LOYALTY_TABLE_NAME as string);
const now = () => new Date().toISOString();

const ledger = async (customerId: string, authorizer: AuthorizerContext) =>
  (await call(getLedger, apiEvent({ routeKey: 'GET /v1/customers/{customerId}/ledger', path: `/v1/customers/${customerId}/ledger`, pathParameters: { customerId }, query: { limit: '100' }, authorizer }))).body
    .items as { type: string; reason: string; source: { kind: string; id?: string }; explanation?: unknown[] }[];
const redeem = (customerId: string, rewardId: string, key: string, authorizer: AuthorizerContext) =>
  call(
    createRedemption,
    apiEvent({ routeKey: 'POST /v1/customers/{customerId}/redemptions', path: `/v1/customers/${customerId}/redemptions`, pathParameters: { customerId }, body: { rewardId }, headers: { 'idempotency-key': key }, authorizer }),
  );

async function reward(): Promise<string> {
  const rewardId = uniqueId('five-off');
  const created = await call(
    createReward,
    apiEvent({ routeKey: 'POST /v1/rewards', path: '/v1/rewards', body: { rewardId, name: '$5 off', costPoints: 10, type: { kind: 'fixed_discount', amount: '5.00', currency: 'USD' } }, authorizer: marketer('ana') }),
  );
  expect(created.status).toBe(201);
  return rewardId;
}

describe('one merchant, many storefronts', () => {
  it("shows a store its own orders' details and only the points of another store's", async () => {
    const customerId = uniqueId('shared-customer');
    const purchase = (storeId: string, orderId: string) => ({ storeId, orderId, customerId, amountMinor: 10000, currency: 'USD', items: [], occurredAt: now() });
    await awardPurchase(repository, purchase('store-a', 'order-of-a'), now());
    await awardPurchase(repository, purchase('store-b', 'order-of-b'), now());

    const asA = await ledger(customerId, storefront('store-a'));
    const serializedA = JSON.stringify(asA);
    expect(serializedA).toContain('order-of-a');
    expect(serializedA).not.toContain('order-of-b');
    expect(serializedA).not.toContain('store-b');
    const foreign = asA.filter((entry) => entry.reason.includes('another store'));
    expect(foreign.map((entry) => entry.type).sort()).toEqual(['earn']);
    expect(foreign[0]).toMatchObject({ reason: 'Purchase in another store', source: { kind: 'order' } });
    expect(foreign[0]?.explanation).toBeUndefined();
    // Points stay visible: they are the customer's balance with the merchant.
    const account = await repository.getAccount(customerId);
    expect(asA.reduce((sum, entry) => sum + (entry as unknown as { points: number }).points, 0)).toBe(account.available + account.pending);

    for (const authorizer of [customer(customerId), marketer('ana')]) {
      const all = JSON.stringify(await ledger(customerId, authorizer));
      expect(all).toContain('order-of-a');
      expect(all).toContain('order-of-b');
    }
  });

  it('scopes Idempotency-Keys by caller: store B reusing store A\'s key gets its own redemption, never A\'s', async () => {
    const customerId = uniqueId('idem-customer');
    await adjustPoints(repository, { customerId, adjustmentId: 'seed', points: 100, reason: 'seed', by: 'marketer:ana' }, now());
    const rewardId = await reward();
    const fromA = await redeem(customerId, rewardId, 'same-key', storefront('store-a'));
    const fromB = await redeem(customerId, rewardId, 'same-key', storefront('store-b'));
    expect(fromA.status).toBe(201);
    expect(fromB.status).toBe(201);
    expect(fromB.headers['idempotent-replayed']).toBeUndefined();
    expect(fromB.body.redemptionId).not.toBe(fromA.body.redemptionId);
    expect(fromB.body).toMatchObject({ requestedBy: 'storefront:store-b' });
    const retryA = await redeem(customerId, rewardId, 'same-key', storefront('store-a'));
    expect(retryA.headers['idempotent-replayed']).toBe('true');
    expect(retryA.body.redemptionId).toBe(fromA.body.redemptionId);
    expect((await repository.getAccount(customerId)).available).toBe(80);
  });

  it('lets a coupon redeemed through store A be used in store B, recording store B', async () => {
    const customerId = uniqueId('coupon-customer');
    await adjustPoints(repository, { customerId, adjustmentId: 'seed', points: 10, reason: 'seed', by: 'marketer:ana' }, now());
    const rewardId = await reward();
    const redeemed = await redeem(customerId, rewardId, 'k1', storefront('store-a'));
    const code = redeemed.body.couponCode as string;
    const used = await call(consumeCoupon, apiEvent({ routeKey: 'POST /v1/coupons/{code}/consume', path: `/v1/coupons/${code}/consume`, pathParameters: { code }, authorizer: storefront('store-b') }));
    expect(used.status).toBe(200);
    expect(used.body).toMatchObject({ status: 'used', usedBy: 'storefront:store-b', requestedBy: 'storefront:store-a' });
    const listed = await call(listRedemptions, apiEvent({ routeKey: 'GET /v1/customers/{customerId}/redemptions', path: `/v1/customers/${customerId}/redemptions`, pathParameters: { customerId }, authorizer: marketer('ana') }));
    expect((listed.body.items as { usedBy?: string }[])[0]?.usedBy).toBe('storefront:store-b');
  });

  // Issue 7.7: a replay claimed a cancelled redemption was still active.
  it('replays a cancelled redemption with its current state, not as active', async () => {
    const customerId = uniqueId('cancel-customer');
    await adjustPoints(repository, { customerId, adjustmentId: 'seed', points: 10, reason: 'seed', by: 'marketer:ana' }, now());
    const rewardId = await reward();
    const first = await redeem(customerId, rewardId, 'k-cancel', customer(customerId));
    expect(first.body).toMatchObject({ status: 'active', balance: { available: 0 } });
    const redemptionId = first.body.redemptionId as string;
    const cancelled = await call(cancelRedemption, apiEvent({ routeKey: 'POST /v1/redemptions/{redemptionId}/cancel', path: `/v1/redemptions/${redemptionId}/cancel`, pathParameters: { redemptionId }, authorizer: marketer('ana') }));
    expect(cancelled.status).toBe(200);
    const replay = await redeem(customerId, rewardId, 'k-cancel', customer(customerId));
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toMatchObject({ redemptionId, status: 'cancelled', cancelledAt: expect.any(String), balance: { available: 0 } });
    expect((await repository.getAccount(customerId)).available).toBe(10);
  });
});
