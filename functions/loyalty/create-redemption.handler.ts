import { now } from '../../shared/clock';
import { HttpProblem, problemType, Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { redeemReward } from './domain/use-cases';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { IDEMPOTENCY_KEY } from './loyalty.schema';
import { redemptionView } from './loyalty.views';
import { createRedemption as route } from './loyalty.routes';

loyaltyRepository();

/**
 * Spends points on a reward: one transaction (ledger entry, balance decrement conditioned on enough points, stock,
 * coupon, RewardRedeemed). The Idempotency-Key header makes retries safe: same key → same response.
 */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body, params, principal, event }) => {
  const idempotencyKey = event.headers?.['idempotency-key'];
  if (!idempotencyKey) throw Problems.validation([{ pointer: '/headers/idempotency-key', detail: 'is required: send a unique key per redemption attempt' }]);
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) throw Problems.validation([{ pointer: '/headers/idempotency-key', detail: 'must be 1-128 printable ASCII characters' }]);
  const result = await redeemReward(
    loyaltyRepository(),
    { customerId: params.customerId, rewardId: body.rewardId, idempotencyKey, requestedBy: actorOf(principal) },
    now().toISOString(),
  );
  switch (result.kind) {
    case 'created':
    case 'replayed':
      // A retry with the same key gets the original's status code and balance, marked as a replay — but the
      // redemption as it is now: a cancelled or used one is never claimed to be active.
      return {
        status: 201,
        body: { ...redemptionView(result.redemption), balance: result.balance },
        headers: {
          location: `/v1/redemptions/${result.redemption.redemptionId}`,
          ...(result.kind === 'replayed' ? { 'idempotent-replayed': 'true' } : {}),
        },
      };
    case 'idempotency-mismatch':
      throw Problems.unprocessable('idempotency-key-reused', 'This Idempotency-Key was used with a different request');
    case 'unknown-reward':
      throw Problems.validation([{ pointer: '/rewardId', detail: 'is not a reward in the catalog' }]);
    case 'inactive-reward':
      throw Problems.conflict('reward-inactive', 'This reward is not active');
    case 'insufficient-points':
      throw Problems.conflict('insufficient-points', `The reward costs ${result.cost} points; ${result.available} are available`, { available: result.available, cost: result.cost });
    case 'out-of-stock':
      throw Problems.conflict('out-of-stock', 'This reward is out of stock');
    case 'limit-reached':
      throw Problems.conflict('redemption-limit-reached', `This reward can be redeemed at most ${result.limit} time(s) per customer`, { limit: result.limit });
    case 'tier-too-low':
      throw new HttpProblem({
        type: problemType('tier-too-low'),
        title: 'Forbidden',
        status: 403,
        detail: `This reward needs the ${result.required} tier${result.current ? `; the customer is ${result.current}` : ''}`,
        required: result.required,
      });
  }
});
