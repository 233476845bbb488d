import * as z from 'zod';
import { parseItem } from '../../shared/aws/items';
import type { CaseStudy } from './domain/candidates';
import { storedTestimonialSettings, type TestimonialSettings } from './domain/settings';
import type { StoredProfile } from './domain/store';
import type { Testimonial, TestimonialRequest, Wall } from './domain/testimonial';

/** The testimonials table's items as stored, parsed (never cast) into the domain's types. */
const int = z.number().int();
const consent = z.enum(['public', 'anonymous', 'private']);
const stage = z.enum(['candidate', 'contacted', 'interviewing', 'published', 'declined']);
const amounts = z.record(z.string(), int);

const request = z.object({
  requestId: z.string(),
  customerId: z.string(),
  trigger: z.enum(['promoter', 'tier_upgrade', 'referral_rewarded', 'manual']),
  status: z.enum(['requested', 'submitted', 'revoked']),
  createdAt: z.string(),
  expiresAt: z.string(),
  tokenHash: z.string(),
  uses: int,
  email: z.string().optional(),
  testimonialId: z.string().optional(),
  revokedAt: z.string().optional(),
  regeneratedAt: z.string().optional(),
  version: int,
});

const testimonial = z.object({
  testimonialId: z.string(),
  requestId: z.string(),
  customerId: z.string(),
  rating: int,
  text: z.string(),
  displayName: z.string(),
  title: z.string().optional(),
  company: z.string().optional(),
  avatarUrl: z.string().optional(),
  consent,
  consentVersion: int,
  status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']),
  submittedAt: z.string(),
  moderation: z.array(z.object({ decision: z.enum(['approved', 'rejected']), by: z.string(), at: z.string(), reason: z.string().optional() })),
  tags: z.array(z.string()),
  featured: z.boolean(),
  sortOrder: int,
  withdrawnAt: z.string().optional(),
  withdrawnBy: z.enum(['customer', 'link', 'erasure']).optional(),
  version: int,
});

const wall = z.object({ wallId: z.string(), name: z.string(), tags: z.array(z.string()), featuredOnly: z.boolean(), limit: int, updatedAt: z.string(), updatedBy: z.string(), version: int });

const profile = z.object({
  profile: z.object({
    customerId: z.string(),
    promoterAnswers: int,
    lastPromoterAt: z.string().optional(),
    lastDetractorAt: z.string().optional(),
    tier: z.object({ name: z.string(), rank: int }).optional(),
    spendMinor: amounts,
    refundedMinor: amounts,
    orders: int,
    firstPurchaseAt: z.string().optional(),
    lastPurchaseAt: z.string().optional(),
    lastRefundAt: z.string().optional(),
    referralsRewarded: int,
    testimonials: z.object({ approvedPublic: int, approvedAnonymous: int, bestRating: int.optional() }),
  }),
  score: z.object({
    score: int,
    reasons: z.array(z.object({ factor: z.enum(['promoter', 'testimonial', 'tier', 'spend', 'tenure', 'referrals']), points: int, maxPoints: int, detail: z.string(), value: z.number() })),
    exclusions: z.array(z.object({ factor: z.enum(['refund', 'detractor']), at: z.string(), until: z.string(), detail: z.string() })),
    excludedUntil: z.string().optional(),
    eligible: z.boolean(),
  }),
  updatedAt: z.string(),
  version: int,
});

const caseStudy = z.object({
  customerId: z.string(),
  stage,
  notes: z.array(z.object({ at: z.string(), by: z.string(), text: z.string(), from: stage.optional(), to: stage.optional() })),
  updatedAt: z.string(),
  updatedBy: z.string(),
  version: int,
});

export function requestFromItem(item: unknown): TestimonialRequest {
  const stored = item as Record<string, unknown>;
  // The link's expiry is stored as `linkExpiresAt` (`expiresAt` is the table's TTL attribute).
  return parseItem(request, { ...stored, expiresAt: stored.linkExpiresAt }, 'testimonial request');
}

export function testimonialFromItem(item: unknown): Testimonial {
  return parseItem(testimonial, item, 'testimonial');
}

export function wallFromItem(item: unknown): Wall {
  return parseItem(wall, item, 'wall');
}

export function profileFromItem(item: unknown): StoredProfile {
  return parseItem(profile, item, 'advocacy profile');
}

export function caseStudyFromItem(item: unknown): CaseStudy {
  return parseItem(caseStudy, item, 'case study');
}

export function settingsFromItem(item: unknown): TestimonialSettings {
  return parseItem(z.object({ settings: storedTestimonialSettings }), item, 'testimonial settings').settings;
}
