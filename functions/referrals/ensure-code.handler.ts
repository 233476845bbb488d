import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { ensureReferralCode } from './domain/use-cases';
import { apiOrigin, codeResponse, referralsRepository, SERVICE } from './referrals.context';
import { ensureReferralCode as route } from './referrals.routes';

referralsRepository();

/** Idempotent: the customer's active code, or a new one (201); a banned advocate gets none. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, body, event }) => {
  const result = await ensureReferralCode(referralsRepository(), { customerId: params.customerId, ...body }, now().toISOString());
  if (result.kind === 'banned') throw Problems.forbidden('This customer is banned from the referral program and cannot get a code');
  return { status: result.kind === 'created' ? 201 : 200, body: codeResponse(result.view, apiOrigin(event)) };
});
