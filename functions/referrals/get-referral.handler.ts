import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { referralWithHistory } from './domain/use-cases';
import { referralResponse, referralsRepository, SERVICE } from './referrals.context';
import { getReferral as route } from './referrals.routes';

referralsRepository();

export const handler = httpHandler({ service: SERVICE, route }, async ({ params }) => {
  const found = await referralWithHistory(referralsRepository(), params.referralId);
  if (!found) throw Problems.notFound(`No referral ${params.referralId}`);
  const history = found.history.map(({ data: _data, ...entry }) => entry);
  return { status: 200, body: { ...referralResponse(found.referral), history } };
});
