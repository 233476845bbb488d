import { ReferralRewarded, ReferralWelcomeOffered } from '../../events/referrals';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { createLogger } from '../../shared/logger';
import { creditReferral, type ReferralCredit } from './domain/use-cases';
import { loyaltyRepository, SERVICE } from './loyalty.context';

loyaltyRepository();
const logger = createLogger(SERVICE);

/**
 * ReferralRewarded → the advocate's reward; ReferralWelcomeOffered → the referee's welcome offer: points credited or a
 * coupon issued, once per referral and role. What can never be credited is logged and settled, not retried.
 */
export const handler = eventConsumer({ service: SERVICE, contracts: [ReferralRewarded, ReferralWelcomeOffered] }, async (event) => {
  let credit: ReferralCredit;
  if (event.detailType === 'ReferralRewarded') {
    const data = event.detail.data;
    credit = { referralId: data.referralId, role: 'advocate', customerId: data.advocateCustomerId, offer: data.reward };
  } else {
    const data = event.detail.data;
    credit = { referralId: data.referralId, role: 'referee', customerId: data.refereeCustomerId, offer: data.offer };
  }
  const result = await creditReferral(loyaltyRepository(), credit, now().toISOString());
  if (result.kind === 'limit-exceeded' || result.kind === 'unknown-reward' || result.kind === 'inactive-reward' || result.kind === 'out-of-stock') {
    // Identifiers only: never the customer (a guest's id may be an email).
    logger.warn('referral credit skipped', {
      outcome: result.kind,
      referralId: credit.referralId,
      role: credit.role,
      offer: credit.offer.kind,
      ...(credit.offer.kind === 'coupon' ? { rewardId: credit.offer.rewardId } : {}),
    });
  }
});
