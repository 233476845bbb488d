import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { followLink } from './domain/use-cases';
import { referralsRepository, SERVICE } from './referrals.context';
import { followReferralLink as route } from './referrals.routes';

referralsRepository();

/**
 * GET /r/{code}: counts the click against the code (at most the program's clicksPerIpPerHour per network; only a
 * salted hash of the address is kept, for an hour) and redirects; unknown or blocked codes redirect without ?ref.
 */
export const handler = httpHandler({ service: SERVICE, route }, async ({ params, event }) => {
  const result = await followLink(referralsRepository(), { code: params.code, ip: event.requestContext.http.sourceIp }, now().toISOString());
  if (result.kind === 'no-program') throw Problems.notFound('No referral program is configured yet');
  return { status: 302, headers: { location: result.location } };
});
