import { PromoterIdentified } from '../../events/feedback';
import { ReferralRewarded } from '../../events/referrals';
import { TierChanged } from '../../events/tier-changed';
import { now } from '../../shared/clock';
import { eventConsumer } from '../../shared/events/consumer';
import { createLogger } from '../../shared/logger';
import { askAfterPromoter, askAfterReferralRewarded, askAfterTierUpgrade } from './domain/use-cases';
import { SERVICE } from './testimonials.context';
import { askDeps } from './testimonials.deps';

askDeps();
const logger = createLogger(SERVICE);

/** The moments that ask for a testimonial: a promoter's answer, a tier upgrade, a referral that paid off. One request per trigger. */
export const handler = eventConsumer({ service: SERVICE, contracts: [PromoterIdentified, TierChanged, ReferralRewarded] }, async (event) => {
  const at = now().toISOString();
  const outcome =
    event.detailType === 'PromoterIdentified'
      ? await askAfterPromoter(askDeps(), { surveyRequestId: event.detail.data.requestId, customerId: event.detail.data.customerId }, at)
      : event.detailType === 'TierChanged'
        ? await askAfterTierUpgrade(askDeps(), { eventId: event.detail.metadata.eventId, customerId: event.detail.data.customerId, direction: event.detail.data.direction }, at)
        : await askAfterReferralRewarded(askDeps(), { referralId: event.detail.data.referralId, advocateCustomerId: event.detail.data.advocateCustomerId }, at);
  // A dropped ask is stored nowhere: its reason is this line (dates and ids only, no personal data).
  if (outcome.kind === 'throttled' || outcome.kind === 'detractor') logger.info('testimonial ask dropped', { trigger: event.detailType, eventId: event.detail.metadata.eventId, outcome: outcome.kind, reason: outcome.reason });
});
