import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { banAdvocate } from './domain/use-cases';
import { actorOf, referralsRepository, SERVICE } from './referrals.context';
import { banAdvocate as route } from './referrals.routes';

referralsRepository();

/** Idempotent: banning again voids what is still open. `remaining: true` when time ran out before every referral was voided. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body, principal, context }) => {
  const timeLeftMs = typeof context?.getRemainingTimeInMillis === 'function' ? () => context.getRemainingTimeInMillis() - 2_000 : () => Number.POSITIVE_INFINITY;
  const result = await banAdvocate(referralsRepository(), { customerId: params.customerId, by: actorOf(principal), reason: body.reason, timeLeftMs }, now().toISOString());
  if (result.kind === 'not-found') throw Problems.notFound('This customer has never had a referral code');
  return { status: 200, body: { customerId: params.customerId, banned: true as const, voided: result.voided, remaining: result.remaining } };
});
