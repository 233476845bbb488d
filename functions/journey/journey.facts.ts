import { SurveyAnswered } from '../../events/feedback';
import { PointsAdjusted } from '../../events/points-adjusted';
import { PointsEarned } from '../../events/points-earned';
import { PointsExpired } from '../../events/points-expired';
import { PointsReleased } from '../../events/points-released';
import { PointsReversed } from '../../events/points-reversed';
import { PurchaseRecorded } from '../../events/purchase-recorded';
import { PurchaseRefunded } from '../../events/purchase-refunded';
import { RedemptionCancelled } from '../../events/redemption-cancelled';
import { ReferralAttributed, ReferralRewarded } from '../../events/referrals';
import { RewardRedeemed } from '../../events/reward-redeemed';
import { TestimonialApproved } from '../../events/testimonials';
import { TierChanged } from '../../events/tier-changed';
import type { ConsumedEvent } from '../../shared/events/consumer';
import type { JourneyFact } from './domain/journey';

/** Every event the journey is built from (one subscription each, see service.ts). */
export const JOURNEY_INPUTS = [
  PurchaseRecorded,
  PurchaseRefunded,
  TierChanged,
  ReferralAttributed,
  ReferralRewarded,
  SurveyAnswered,
  TestimonialApproved,
  PointsEarned,
  PointsReleased,
  PointsReversed,
  PointsExpired,
  PointsAdjusted,
  RewardRedeemed,
  RedemptionCancelled,
] as const;

export type JourneyInput = ConsumedEvent<(typeof JOURNEY_INPUTS)[number]>;

/**
 * The customer an event is about and the fact it states, at the time the fact happened (the purchase's, the
 * answer's…; the event's own time for those that carry none).
 */
export function factOf(event: JourneyInput): { customerId: string; fact: JourneyFact } {
  const occurredAt = event.detail.metadata.occurredAt;
  switch (event.detailType) {
    case 'PurchaseRecorded':
      return { customerId: event.detail.data.customerId, fact: { kind: 'purchase', at: event.detail.data.occurredAt, amountMinor: event.detail.data.amountMinor } };
    case 'PurchaseRefunded':
      return { customerId: event.detail.data.customerId, fact: { kind: 'refund', at: event.detail.data.occurredAt, fullyRefunded: event.detail.data.fullyRefunded } };
    case 'TierChanged':
      return { customerId: event.detail.data.customerId, fact: { kind: 'tier', at: occurredAt, direction: event.detail.data.direction } };
    case 'ReferralAttributed':
      return { customerId: event.detail.data.refereeCustomerId, fact: { kind: 'attributed', at: event.detail.data.attributedAt, via: event.detail.data.via } };
    case 'ReferralRewarded':
      return { customerId: event.detail.data.advocateCustomerId, fact: { kind: 'referral_rewarded', at: occurredAt } };
    case 'SurveyAnswered':
      return { customerId: event.detail.data.customerId, fact: { kind: 'survey_answered', at: event.detail.data.answeredAt, survey: event.detail.data.kind, category: event.detail.data.category } };
    case 'TestimonialApproved':
      return { customerId: event.detail.data.customerId, fact: { kind: 'testimonial_approved', at: event.detail.data.approvedAt } };
    case 'PointsEarned':
      return { customerId: event.detail.data.customerId, fact: { kind: 'points', at: occurredAt, balance: event.detail.data.balance, earned: event.detail.data.points, redeemed: 0 } };
    case 'RewardRedeemed':
      return { customerId: event.detail.data.customerId, fact: { kind: 'points', at: occurredAt, balance: event.detail.data.balance, earned: 0, redeemed: event.detail.data.pointsSpent } };
    case 'RedemptionCancelled':
      return { customerId: event.detail.data.customerId, fact: { kind: 'points', at: occurredAt, balance: event.detail.data.balance, earned: 0, redeemed: -event.detail.data.pointsReturned } };
    case 'PointsReleased':
    case 'PointsReversed':
    case 'PointsExpired':
    case 'PointsAdjusted':
      return { customerId: event.detail.data.customerId, fact: { kind: 'points', at: occurredAt, balance: event.detail.data.balance, earned: 0, redeemed: 0 } };
  }
}
