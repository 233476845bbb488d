import { now } from '../../shared/clock';
import { scheduleHandler } from '../../shared/schedules/stack';
import { orderStanding, purchasedBefore } from '../purchases/purchases.reads.facade';
import { settleDueReferrals } from './domain/use-cases';
import { referralsRepository, SERVICE } from './referrals.context';

referralsRepository();

/** Pending referrals whose hold ended are rewarded or rejected; signups whose window passed expire. */
export const handler = scheduleHandler({
  service: SERVICE,
  jobs: {
    'referrals-settle': ({ timeLeftMs }) => settleDueReferrals(referralsRepository(), { standing: orderStanding, purchasedBefore }, now().toISOString(), { timeLeftMs }),
  },
});
