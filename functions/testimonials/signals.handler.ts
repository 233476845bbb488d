import { DetractorIdentified, PromoterIdentified } from '../../events/feedback';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { ReferralRewarded } from '../../events/referrals';
import { TestimonialApproved, TestimonialRejected, TestimonialWithdrawn } from '../../events/testimonials';
import { TierChanged } from '../../events/tier-changed';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { rescoreCustomer } from './domain/use-cases';
import { SERVICE } from './testimonials.context';
import { scoreDeps } from './testimonials.sources';

scoreDeps();

/**
 * Keeps the case-study candidates' scores current. Every signal recomputes the customer's profile from the services
 * that own the numbers, so redelivered and out-of-order events converge on the same profile. A promoter answer, a
 * referral that paid off and an approved testimonial make a customer known; purchases, refunds, tier changes,
 * detractor answers and the other moderation moves only refresh customers already known.
 */
export const handler = eventConsumer(
  { service: SERVICE, contracts: [PromoterIdentified, DetractorIdentified, ReferralRewarded, TierChanged, PurchaseRecorded, PurchaseRefunded, TestimonialApproved, TestimonialRejected, TestimonialWithdrawn] },
  async (event) => {
    const customerId = event.detailType === 'ReferralRewarded' ? event.detail.data.advocateCustomerId : event.detail.data.customerId;
    const makesKnown = event.detailType === 'PromoterIdentified' || event.detailType === 'ReferralRewarded' || event.detailType === 'TestimonialApproved';
    await rescoreCustomer(scoreDeps(), customerId, { onlyIfKnown: !makesKnown }, now().toISOString());
  },
);
