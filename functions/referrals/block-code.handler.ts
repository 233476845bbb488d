import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { blockCode } from './domain/use-cases';
import { actorOf, referralsRepository, SERVICE } from './referrals.context';
import { blockReferralCode as route } from './referrals.routes';

referralsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body, principal }) => {
  const result = await blockCode(referralsRepository(), { code: params.code, by: actorOf(principal), reason: body.reason }, now().toISOString());
  if (result.kind === 'not-found') throw Problems.notFound(`No referral code ${params.code}`);
  if (result.kind === 'not-active') throw Problems.conflict('code-not-active', `This code is ${result.status} already: only an active code can be blocked`);
  const { code } = result;
  return { status: 200, body: { code: code.code, customerId: code.customerId, status: 'blocked' as const, reason: body.reason, changedAt: code.changedAt as string, changedBy: code.changedBy as string } };
});
