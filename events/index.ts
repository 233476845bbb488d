import { CustomerErased, CustomerErasedV1 } from './customer-erased';
import { CustomerErasureRequested } from './customer-erasure-requested';
import { DetractorAlert, DetractorIdentified, PromoterIdentified, SurveyAnswered, SurveyRequested } from './feedback';
import { CustomerAtRisk, CustomerLapsed, JourneyStageChanged, WinBackOffered } from './journey';
import { PointsAdjusted } from './points-adjusted';
import { PointsEarned } from './points-earned';
import { PointsExpired } from './points-expired';
import { PointsExpiringSoon } from './points-expiring-soon';
import { PointsReleased } from './points-released';
import { PointsReversed } from './points-reversed';
import { PurchaseRecorded } from './purchase-recorded';
import { PurchaseRefunded } from './purchase-refunded';
import { RedemptionCancelled } from './redemption-cancelled';
import { ReferralAttributed, ReferralExpired, ReferralFlagged, ReferralPending, ReferralQualified, ReferralRejected, ReferralRewarded, ReferralWelcomeOffered } from './referrals';
import { RewardRedeemed } from './reward-redeemed';
import { CaseStudyStageChanged, TestimonialApproved, TestimonialRejected, TestimonialRequested, TestimonialSubmitted, TestimonialWithdrawn } from './testimonials';
import { TierChanged } from './tier-changed';
import { WebhookEndpointDisabled } from './webhooks-out';

export {
  CaseStudyStageChanged,
  CustomerAtRisk,
  CustomerLapsed,
  CustomerErased,
  CustomerErasedV1,
  CustomerErasureRequested,
  DetractorAlert,
  DetractorIdentified,
  JourneyStageChanged,
  PromoterIdentified,
  SurveyAnswered,
  SurveyRequested,
  PointsAdjusted,
  PointsEarned,
  PointsExpired,
  PointsExpiringSoon,
  PointsReleased,
  PointsReversed,
  PurchaseRecorded,
  PurchaseRefunded,
  RedemptionCancelled,
  ReferralAttributed,
  ReferralExpired,
  ReferralFlagged,
  ReferralPending,
  ReferralQualified,
  ReferralRejected,
  ReferralRewarded,
  ReferralWelcomeOffered,
  RewardRedeemed,
  TestimonialApproved,
  TestimonialRejected,
  TestimonialRequested,
  TestimonialSubmitted,
  TestimonialWithdrawn,
  TierChanged,
  WebhookEndpointDisabled,
  WinBackOffered,
};
export type { EventContract, EventDetail, EventEnvelope, EventPattern } from './contract';
