import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { rotateCode } from './domain/use-cases';
import { actorOf, apiOrigin, codeResponse, referralsRepository, SERVICE } from './referrals.context';
import { rotateReferralCode as route } from './referrals.routes';

referralsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, principal, event }) => {
  const result = await rotateCode(referralsRepository(), { code: params.code, by: actorOf(principal) }, now().toISOString());
  if (result.kind === 'not-found') throw Problems.notFound(`No referral code ${params.code}`);
  if (result.kind === 'not-active') throw Problems.conflict('code-not-active', `Only an active code can be rotated; this one is ${result.status}`);
  if (result.kind === 'banned') throw Problems.conflict('advocate-banned', 'The advocate is banned from the referral program');
  return { status: 200, body: { ...codeResponse(result.view, apiOrigin(event)), previousCode: result.previous } };
});
