import { now } from '../../shared/clock';
import { httpHandler } from '../../shared/http/stack';
import { rejectReferral } from './domain/use-cases';
import { actorOf, referralsRepository, SERVICE } from './referrals.context';
import { rejectReferral as route } from './referrals.routes';
import { reviewOutcome } from './review.results';

referralsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body, principal }) => {
  const result = await rejectReferral(referralsRepository(), { referralId: params.referralId, by: actorOf(principal), reason: body.reason }, now().toISOString());
  return reviewOutcome(result, params.referralId, 'reject');
});
