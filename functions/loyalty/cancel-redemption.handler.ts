import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { cancelRedemption } from './domain/use-cases';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { redemptionView } from './loyalty.views';
import { cancelRedemption as route } from './loyalty.routes';

loyaltyRepository();

/** The customer (their own) or a marketer cancels an unused redemption; the points come back. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, principal }) => {
  const result = await cancelRedemption(
    loyaltyRepository(),
    { redemptionId: params.redemptionId, by: actorOf(principal), ...(principal.kind === 'customer' ? { customerId: principal.customerId } : {}) },
    now().toISOString(),
  );
  switch (result.kind) {
    case 'cancelled':
      return { status: 200, body: { ...redemptionView(result.redemption), balance: result.balance } };
    case 'not-found':
    case 'forbidden':
      // A customer cannot learn whether someone else's redemption exists.
      throw Problems.notFound(`No redemption ${params.redemptionId}`);
    case 'not-active':
      throw Problems.conflict('redemption-not-active', `The redemption is ${result.status}; only unused redemptions can be cancelled`);
  }
});
