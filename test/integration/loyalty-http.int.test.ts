import { handler as batchAdjustments } from '../../functions/loyalty/batch-adjustments.handler';
import { handler as createRedemption } from '../../functions/loyalty/create-redemption.handler';
import { handler as createReward } from '../../functions/loyalty/create-reward.handler';
import { handler as listRewards } from '../../functions/loyalty/list-rewards.handler';
import { handler as putProgram } from '../../functions/loyalty/put-program.handler';
import { DEMO_PROGRAM } from '../../functions/loyalty/domain/program';
import { adjustPoints } from '../../functions/loyalty/domain/use-cases';
import { LoyaltyRepository } from '../../functions/loyalty/loyalty.repository';
import { dynamoDocumentClient } from '../../shared/aws/clients';
import { apiEvent, call, customer, marketer, storefront, uniqueId } from '../support/api-event';

/** Loyalty routes through their handlers on DynamoDB Local: batch adjustments, reward visibility, redemption replays. */
const repository = new LoyaltyRepository(dynamoDocumentClient(), process.env.LOYALTY_TABLE_NAME as string);

beforeAll(async () => {
  const response = await call(putProgram, apiEvent({ routeKey: 'PUT /v1/program', path: '/v1/program', body: { ...DEMO_PROGRAM, pendingDays: 0 }, authorizer: marketer('ana') }));
  expect(response.status).toBe(200);
});

const batch = (items: unknown[]) => call(batchAdjustments, apiEvent({ routeKey: 'POST /v1/adjustments/batch', path: '/v1/adjustments/batch', body: { items }, authorizer: marketer('ana') }));

describe('POST /v1/adjustments/batch', () => {
  it('applies 1,000 adjustments, each idempotent, with a result per item in order', async () => {
    const prefix = uniqueId('batch');
    const items = Array.from({ length: 1000 }, (_, index) => ({ customerId: `${prefix}-${index % 100}`, adjustmentId: `a-${index}`, points: 5, reason: 'Campaign goodwill' }));
    const first = await batch(items);
    expect(first.status).toBe(200);
    expect(first.body.summary).toEqual({ created: 1000, replayed: 0, failed: 0 });
    expect((first.body.results as { adjustmentId: string }[]).map((result) => result.adjustmentId)).toEqual(items.map((item) => item.adjustmentId));
    expect((await repository.getAccount(`${prefix}-7`)).available).toBe(50);

    const again = await batch([...items.slice(0, 2), { ...items[2], points: 6 }, { customerId: `${prefix}-x`, adjustmentId: 'overdraw', points: -1, reason: 'x' }]);
    expect(again.body.summary).toEqual({ created: 0, replayed: 2, failed: 2 });
    expect((again.body.results as { status: number }[]).map((result) => result.status)).toEqual([200, 200, 409, 409]);
    expect((await repository.getAccount(`${prefix}-7`)).available).toBe(50);
  }, 120_000);

  it('rejects more than 1,000 items, naming the field', async () => {
    const items = Array.from({ length: 1001 }, (_, index) => ({ customerId: 'c', adjustmentId: `a-${index}`, points: 1, reason: 'r' }));
    const response = await batch(items);
    expect(response.status).toBe(400);
    expect((response.body.errors as { pointer: string }[])[0]?.pointer).toBe('/items');
  });
});

describe('rewards and redemptions over HTTP', () => {
  it('shows each caller the rewards meant for them', async () => {
    const gold = uniqueId('gold-only');
    const hidden = uniqueId('inactive');
    const open = uniqueId('open');
    const reward = (rewardId: string, patch: Record<string, unknown>) =>
      call(createReward, apiEvent({ routeKey: 'POST /v1/rewards', path: '/v1/rewards', body: { rewardId, name: rewardId, costPoints: 10, type: { kind: 'free_shipping' }, ...patch }, authorizer: marketer('ana') }));
    expect((await reward(gold, { minimumTier: 'Gold' })).status).toBe(201);
    expect((await reward(hidden, { active: false })).status).toBe(201);
    expect((await reward(open, {})).status).toBe(201);
    expect((await reward(open, {})).status).toBe(409);
    expect((await reward(uniqueId('bad'), { minimumTier: 'Platinum' })).status).toBe(400);
    const ids = async (authorizer: Parameters<typeof apiEvent>[0]['authorizer']) =>
      ((await call(listRewards, apiEvent({ routeKey: 'GET /v1/rewards', path: '/v1/rewards', query: { limit: '100' }, authorizer }))).body.items as { rewardId: string }[]).map((item) => item.rewardId);
    const asMarketer = await ids(marketer('ana'));
    expect(asMarketer).toEqual(expect.arrayContaining([gold, hidden, open]));
    const asStore = await ids(storefront('s1'));
    expect(asStore).toEqual(expect.arrayContaining([gold, open]));
    expect(asStore).not.toContain(hidden);
    const asCustomer = await ids(customer(uniqueId('bronze-customer')));
    expect(asCustomer).toContain(open);
    expect(asCustomer).not.toContain(gold);
    expect(asCustomer).not.toContain(hidden);
  });

  it('answers a retried Idempotency-Key with the original response, marked as a replay', async () => {
    const customerId = uniqueId('cust');
    await adjustPoints(repository, { customerId, adjustmentId: 'seed', points: 100, reason: 'seed', by: 'marketer:test' }, new Date().toISOString());
    const rewardId = uniqueId('reward');
    await call(createReward, apiEvent({ routeKey: 'POST /v1/rewards', path: '/v1/rewards', body: { rewardId, name: 'Mug', costPoints: 40, type: { kind: 'free_product', sku: 'MUG-1' } }, authorizer: marketer('ana') }));
    const redeem = () =>
      call(
        createRedemption,
        apiEvent({
          routeKey: 'POST /v1/customers/{customerId}/redemptions',
          path: `/v1/customers/${customerId}/redemptions`,
          pathParameters: { customerId },
          headers: { 'idempotency-key': 'one' },
          body: { rewardId },
          authorizer: storefront('s1'),
        }),
      );
    const original = await redeem();
    const replay = await redeem();
    expect(original.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(original.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(original.headers['idempotent-replayed']).toBeUndefined();
    expect((await repository.getAccount(customerId)).available).toBe(60);
  });
});
