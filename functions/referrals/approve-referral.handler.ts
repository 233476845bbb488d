import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { orderStanding, purchasedBefore } from '../purchases/purchases.reads.facade';
import { approveReferral } from './domain/use-cases';
import { actorOf, referralsRepository, SERVICE } from './referrals.context';
import { approveReferral as route } from './referrals.routes';
import { reviewOutcome } from './review.results';

referralsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, principal }) => {
  const result = await approveReferral(referralsRepository(), { standing: orderStanding, purchasedBefore }, { referralId: params.referralId, by: actorOf(principal) }, now().toISOString());
  return reviewOutcome(result, params.referralId, 'approve');
});
