import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { referralsRepository, SERVICE } from './referrals.context';
import { getReferralProgram as route } from './referrals.routes';

referralsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async () => {
  const program = await referralsRepository().getProgram();
  if (!program) throw Problems.notFound('No referral program is configured yet: PUT /v1/referral-program to create one');
  return { status: 200, body: program };
});
