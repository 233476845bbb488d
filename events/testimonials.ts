import * as z from 'zod';
import { defineEvent } from './contract';

/**
 * The testimonials service's events. TestimonialRequested carries the one-time link for the merchant's mailer (we send
 * no email). TestimonialSubmitted deliberately carries no rating and no text: a consumer that rewards submissions
 * (points, a coupon) cannot make the reward depend on the sentiment (FTC 16 CFR 465). Approval, rejection and
 * withdrawal are announced once each; a case study's pipeline announces every move.
 */
const at = z.iso.datetime({ offset: true });
const consent = z.enum(['public', 'anonymous', 'private']);

export const TestimonialRequested = defineEvent({
  service: 'testimonials',
  detailType: 'TestimonialRequested',
  version: 1,
  data: z.object({
    requestId: z.string().min(1),
    customerId: z.string().min(1),
    trigger: z.enum(['promoter', 'tier_upgrade', 'referral_rewarded', 'manual']),
    /** The one-time form (GET /t/{token}); the token is stored only as a hash. A regenerated link is announced again. */
    link: z.url(),
    expiresAt: at,
    email: z.string().optional(),
  }),
  example: {
    requestId: 'tr_8Zq2m9x7v3b8n4c6',
    customerId: 'cust-42',
    trigger: 'promoter',
    link: 'https://api.example.com/t/tr_8Zq2m9x7v3b8n4c6.Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXhmb28',
    expiresAt: '2026-12-16T10:00:00.000Z',
  },
});

export const TestimonialSubmitted = defineEvent({
  service: 'testimonials',
  detailType: 'TestimonialSubmitted',
  version: 1,
  data: z.object({ testimonialId: z.string().min(1), requestId: z.string().min(1), customerId: z.string().min(1), consent, submittedAt: at }),
  example: { testimonialId: 'ts_4c6t5w8Zq2m9x7v3', requestId: 'tr_8Zq2m9x7v3b8n4c6', customerId: 'cust-42', consent: 'public', submittedAt: '2026-12-03T10:00:00.000Z' },
});

export const TestimonialApproved = defineEvent({
  service: 'testimonials',
  detailType: 'TestimonialApproved',
  version: 1,
  data: z.object({ testimonialId: z.string().min(1), customerId: z.string().min(1), consent, approvedBy: z.string().min(1), approvedAt: at }),
  example: { testimonialId: 'ts_4c6t5w8Zq2m9x7v3', customerId: 'cust-42', consent: 'public', approvedBy: 'marketer:mia', approvedAt: '2026-12-04T09:00:00.000Z' },
});

export const TestimonialRejected = defineEvent({
  service: 'testimonials',
  detailType: 'TestimonialRejected',
  version: 1,
  data: z.object({ testimonialId: z.string().min(1), customerId: z.string().min(1), reason: z.string().min(1), rejectedBy: z.string().min(1), rejectedAt: at }),
  example: { testimonialId: 'ts_4c6t5w8Zq2m9x7v3', customerId: 'cust-42', reason: 'Contains another customer’s phone number', rejectedBy: 'marketer:mia', rejectedAt: '2026-12-04T09:00:00.000Z' },
});

export const TestimonialWithdrawn = defineEvent({
  service: 'testimonials',
  detailType: 'TestimonialWithdrawn',
  version: 1,
  data: z.object({ testimonialId: z.string().min(1), customerId: z.string().min(1), by: z.enum(['customer', 'link', 'erasure']), withdrawnAt: at }),
  example: { testimonialId: 'ts_4c6t5w8Zq2m9x7v3', customerId: 'cust-42', by: 'customer', withdrawnAt: '2026-12-10T18:30:00.000Z' },
});

const stage = z.enum(['candidate', 'contacted', 'interviewing', 'published', 'declined']);

export const CaseStudyStageChanged = defineEvent({
  service: 'testimonials',
  detailType: 'CaseStudyStageChanged',
  version: 1,
  data: z.object({ customerId: z.string().min(1), from: stage.nullable(), to: stage, changedBy: z.string().min(1), changedAt: at }),
  example: { customerId: 'cust-42', from: 'candidate', to: 'contacted', changedBy: 'marketer:mia', changedAt: '2026-12-05T11:00:00.000Z' },
});

export const TESTIMONIAL_EVENTS = [TestimonialRequested, TestimonialSubmitted, TestimonialApproved, TestimonialRejected, TestimonialWithdrawn, CaseStudyStageChanged] as const;
