import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { consumeCoupon } from './domain/use-cases';
import { actorOf, loyaltyRepository, SERVICE } from './loyalty.context';
import { redemptionView } from './loyalty.views';
import { consumeCoupon as route } from './loyalty.routes';

loyaltyRepository();

/** A storefront marks a coupon used, exactly once. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, principal }) => {
  // A coupon works in every store of the merchant; the redemption records which one took it.
  const result = await consumeCoupon(loyaltyRepository(), params.code, actorOf(principal), now().toISOString());
  switch (result.kind) {
    case 'used':
      return { status: 200, body: redemptionView(result.redemption) };
    case 'not-found':
      throw Problems.notFound('No coupon with this code');
    case 'not-active':
      throw Problems.conflict('coupon-not-active', `The coupon is ${result.status}`);
  }
});
