import { isExcludedAt, type CaseStudy } from './domain/candidates';
import { consentTexts } from './domain/form-page';
import type { StoredProfile } from './domain/store';
import { MAX_LINK_USES, type Testimonial, type TestimonialRequest } from './domain/testimonial';

/** What the API shows of the domain's records (never the token hash). */
export function requestView(request: TestimonialRequest, now: string) {
  const expired = request.status === 'requested' && Date.parse(now) >= Date.parse(request.expiresAt);
  return {
    requestId: request.requestId,
    customerId: request.customerId,
    trigger: request.trigger,
    status: expired ? ('expired' as const) : request.status,
    createdAt: request.createdAt,
    expiresAt: request.expiresAt,
    uses: request.uses,
    maxUses: MAX_LINK_USES,
    ...(request.testimonialId ? { testimonialId: request.testimonialId } : {}),
    ...(request.revokedAt ? { revokedAt: request.revokedAt } : {}),
    ...(request.regeneratedAt ? { regeneratedAt: request.regeneratedAt } : {}),
  };
}

export function testimonialView(testimonial: Testimonial) {
  const { version: _version, ...rest } = testimonial;
  return { ...rest, moderation: [...testimonial.moderation], tags: [...testimonial.tags], consentText: consentTexts(testimonial.consentVersion)?.[testimonial.consent] ?? '' };
}

export function withdrawalView(testimonial: Testimonial) {
  return { testimonialId: testimonial.testimonialId, status: testimonial.status, ...(testimonial.withdrawnAt ? { withdrawnAt: testimonial.withdrawnAt } : {}), ...(testimonial.withdrawnBy ? { withdrawnBy: testimonial.withdrawnBy } : {}) };
}

export function candidateView(stored: StoredProfile, caseStudy: CaseStudy | undefined, now: string, withNotes = false) {
  const { profile, score } = stored;
  return {
    customerId: profile.customerId,
    score: score.score,
    reasons: score.reasons.map((reason) => ({ ...reason })),
    exclusions: score.exclusions.map((exclusion) => ({ ...exclusion })),
    excludedNow: isExcludedAt(score, now),
    numbers: {
      promoterAnswers: profile.promoterAnswers,
      ...(profile.lastPromoterAt ? { lastPromoterAt: profile.lastPromoterAt } : {}),
      ...(profile.tier ? { tier: profile.tier.name } : {}),
      orders: profile.orders,
      spendMinor: { ...profile.spendMinor },
      refundedMinor: { ...profile.refundedMinor },
      ...(profile.firstPurchaseAt ? { firstPurchaseAt: profile.firstPurchaseAt } : {}),
      ...(profile.lastPurchaseAt ? { lastPurchaseAt: profile.lastPurchaseAt } : {}),
      referralsRewarded: profile.referralsRewarded,
      approvedPublicTestimonials: profile.testimonials.approvedPublic,
      approvedAnonymousTestimonials: profile.testimonials.approvedAnonymous,
    },
    stage: caseStudy?.stage ?? ('candidate' as const),
    ...(withNotes ? { notes: (caseStudy?.notes ?? []).map((note) => ({ ...note })) } : {}),
    scoredAt: stored.updatedAt,
  };
}
