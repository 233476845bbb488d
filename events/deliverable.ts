import type { EventContract } from './contract';
import { DetractorAlert, DetractorIdentified, PromoterIdentified, SurveyAnswered, SurveyRequested } from './feedback';
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

/**
 * The events a merchant's webhook endpoints may subscribe to: every integration event, newest version. Left out are the
 * privacy plumbing (CustomerErasureRequested, CustomerErased), which are commands and confirmations between our own
 * services, not facts for a mailer or CRM. The outbound webhooks service subscribes to each of these on the bus, and
 * the OpenAPI `webhooks` section and docs/events.md describe them as delivered.
 */
export const DELIVERABLE_EVENTS = [
  PurchaseRecorded,
  PurchaseRefunded,
  PointsEarned,
  PointsReleased,
  PointsReversed,
  PointsAdjusted,
  PointsExpiringSoon,
  PointsExpired,
  RewardRedeemed,
  RedemptionCancelled,
  TierChanged,
  ReferralAttributed,
  ReferralPending,
  ReferralFlagged,
  ReferralQualified,
  ReferralRewarded,
  ReferralWelcomeOffered,
  ReferralRejected,
  ReferralExpired,
  SurveyRequested,
  SurveyAnswered,
  PromoterIdentified,
  DetractorIdentified,
  DetractorAlert,
  TestimonialRequested,
  TestimonialSubmitted,
  TestimonialApproved,
  TestimonialRejected,
  TestimonialWithdrawn,
  CaseStudyStageChanged,
  WebhookEndpointDisabled,
] as const satisfies readonly EventContract[];

export type DeliverableEventType = (typeof DELIVERABLE_EVENTS)[number]['detailType'];
export const DELIVERABLE_EVENT_TYPES = DELIVERABLE_EVENTS.map((event) => event.detailType) as readonly DeliverableEventType[];
