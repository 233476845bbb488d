import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { orderStanding, purchasedBefore } from '../purchases/purchases.reads.facade';
import { attributeSignup } from './domain/use-cases';
import { actorOf, referralResponse, referralsRepository, SERVICE } from './referrals.context';
import { createReferral as route } from './referrals.routes';

referralsRepository();

/** A storefront attributes a signup to a code; repeating the same attribution answers the referral (200). */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body, principal }) => {
  const result = await attributeSignup(referralsRepository(), { standing: orderStanding, purchasedBefore }, { ...body, by: actorOf(principal) }, now().toISOString());
  switch (result.kind) {
    case 'created':
    case 'existing':
      return { status: result.kind === 'created' ? 201 : 200, body: referralResponse(result.referral) };
    case 'already-referred':
      throw Problems.conflict('already-referred', 'This customer was already referred with another code: the first attribution wins');
    case 'unknown-code':
      throw Problems.unprocessable('unknown-code', 'No such referral code', { errors: [{ pointer: '/code', detail: 'is not a referral code' }] });
    case 'inactive-code':
      throw Problems.unprocessable('inactive-code', `This referral code is ${result.status} and no longer attributes`, { errors: [{ pointer: '/code', detail: `is ${result.status}` }] });
    case 'closed':
      throw Problems.unprocessable('program-closed', `No attribution now: ${result.reason}`);
  }
});
