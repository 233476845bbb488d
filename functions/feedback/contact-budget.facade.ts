import type { ContactClaim, ContactClaimRequest, CustomerFeedbackSummary } from './domain/contact';
import { claimContact as claim, customerFeedbackSummary as summary } from './domain/use-cases';
import { feedbackRepository } from './feedback.context';

/**
 * What other services may do with a customer's contact budget and feedback, in-process (declared in feedback's
 * service.ts with read-write access to the feedback table): the testimonials service claims the budget before it asks
 * (one ask per customer per window, across surveys and testimonial requests; never a recent detractor) and reads how
 * a customer answered NPS. The feedback table stays the feedback service's; this module is the only way in.
 */
export type { ContactClaim, ContactClaimRequest, CustomerFeedbackSummary };

/**
 * Claims the customer's contact budget for one contact (idempotent per `contactId`). `followUpOf` names the survey
 * request this contact follows up on (e.g. a testimonial request after a promoter's answer): it rides on that ask,
 * once, while its window lasts.
 */
export async function claimContact(request: { customerId: string; contactId: string; followUpOf?: string; at: string }): Promise<ContactClaim> {
  return claim(feedbackRepository(), request);
}

/** The customer's NPS answers: how many were promoters, and when they last answered as a promoter and as a detractor. */
export async function customerFeedbackSummary(customerId: string): Promise<{ promoterAnswers: number; lastPromoterAt?: string; lastDetractorAt?: string }> {
  return summary(feedbackRepository(), customerId);
}
