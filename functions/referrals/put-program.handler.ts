import { now } from '../../shared/clock';
import { Problems } from '../../shared/http/problem';
import { httpHandler } from '../../shared/http/stack';
import { saveReferralProgram } from './domain/use-cases';
import { actorOf, referralsRepository, SERVICE } from './referrals.context';
import { putReferralProgram as route } from './referrals.routes';

referralsRepository();

/** Each change is a new version; every referral records the version that judged it. */
export const handler = httpHandler({ service: SERVICE, route }, async ({ body, principal }) => {
  const result = await saveReferralProgram(referralsRepository(), body, actorOf(principal), now().toISOString());
  if (result.kind === 'conflict') throw Problems.conflict('program-conflict', 'The referral program changed while saving; read it again and retry');
  return { status: 200, body: result.program };
});
