import { customerFeedbackSummary } from '../feedback/contact-budget.facade';
import { customerTier } from '../loyalty/loyalty.reads.facade';
import { customerPurchaseSummary } from '../purchases/purchases.reads.facade';
import { advocateRewardedReferrals } from '../referrals/referrals.reads.facade';
import type { ScoreDeps } from './domain/use-cases';
import { testimonialsRepository } from './testimonials.context';

/**
 * What scoring needs beyond this service's table: the numbers other services own, each through its owner's read
 * facade. Only the function that declares those facades in `uses` imports this module.
 */
export function scoreDeps(): ScoreDeps {
  return {
    store: testimonialsRepository(),
    sources: { purchases: customerPurchaseSummary, feedback: customerFeedbackSummary, referralsRewarded: advocateRewardedReferrals, tier: customerTier },
  };
}
