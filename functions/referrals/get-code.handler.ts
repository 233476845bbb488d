import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { readReferralCode } from './domain/use-cases';
import { apiOrigin, codeResponse, referralsRepository, SERVICE } from './referrals.context';
import { getReferralCode as route } from './referrals.routes';

referralsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, event }) => {
  const view = await readReferralCode(referralsRepository(), params.customerId);
  if (!view) throw Problems.notFound('This customer has no active referral code: POST to this path to create one');
  return { status: 200, body: codeResponse(view, apiOrigin(event)) };
});
