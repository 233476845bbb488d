import * as z from 'zod';
import { customerParams, identifier } from '../../shared/domain/identifiers';
import { listingOf, listingQuery, timestamp } from '../../shared/http/responses';
import { defineRoute } from '../../shared/http/route';
import { TESTIMONIAL_LIMITS } from './domain/form-page';
import { testimonialSettingsInput, storedTestimonialSettings } from './domain/settings';
import { MAX_SORT_ORDER, MAX_TAGS, MAX_WALL_LIMIT } from './domain/testimonial';

/** The testimonials API: settings, requests and their links, submissions (by token), moderation, walls, case studies. */
const consent = z.enum(['public', 'anonymous', 'private']);
const stage = z.enum(['candidate', 'contacted', 'interviewing', 'published', 'declined']);
const count = z.number().int();
const tag = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/, 'must be a short slug like "case-study"');
const token = z.string().min(1).max(200);
const requestParams = z.object({ requestId: z.string().regex(/^tr_[A-Za-z0-9_-]{16,24}$/, 'must be a testimonial request id (tr_…)') });
const testimonialId = z.string().regex(/^ts_[A-Za-z0-9_-]{16}$/, 'must be a testimonial id (ts_…)');
const testimonialParams = z.object({ testimonialId });
const wallId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a short lower-case slug like "homepage"');
const wallParams = z.object({ wallId });
/** No control characters or markup-breaking angle brackets in names shown on public walls. */
const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((value) => !/[\u0000-\u001f\u007f<>]/.test(value), 'must be plain text (no control characters or angle brackets)');

export const getTestimonialSettings = defineRoute({
  method: 'GET',
  path: '/v1/testimonial-settings',
  access: ['marketer'],
  summary: 'The testimonial settings (404 until saved)',
  responses: { 200: storedTestimonialSettings },
});

export const putTestimonialSettings = defineRoute({
  method: 'PUT',
  path: '/v1/testimonial-settings',
  access: ['marketer'],
  summary: 'Save the testimonial settings (triggers, link base and expiry, the candidates window) as a new version',
  body: testimonialSettingsInput,
  responses: { 200: storedTestimonialSettings },
});

const requestView = z.object({
  requestId: z.string(),
  customerId: z.string(),
  trigger: z.enum(['promoter', 'tier_upgrade', 'referral_rewarded', 'manual']),
  status: z.enum(['requested', 'submitted', 'revoked', 'expired']),
  createdAt: timestamp,
  expiresAt: timestamp,
  uses: count,
  maxUses: count,
  testimonialId: z.string().optional(),
  revokedAt: timestamp.optional(),
  regeneratedAt: timestamp.optional(),
});

export const createTestimonialRequests = defineRoute({
  method: 'POST',
  path: '/v1/testimonial-requests',
  access: ['marketer'],
  summary: 'Ask one customer or a list for a testimonial, each within the shared contact budget; one outcome per customer',
  body: z.strictObject({
    customers: z
      .array(z.strictObject({ customerId: identifier, email: z.email({ error: 'must be an email address' }).max(254).optional() }))
      .min(1)
      .max(100)
      .refine((customers) => new Set(customers.map((customer) => customer.customerId)).size === customers.length, 'must not name a customer twice'),
  }),
  responses: {
    201: z.object({
      requests: z.array(
        z.discriminatedUnion('status', [
          z.object({ customerId: z.string(), status: z.literal('requested'), requestId: z.string(), link: z.url(), expiresAt: timestamp }),
          z.object({ customerId: z.string(), status: z.enum(['throttled', 'refused']), reason: z.string() }),
        ]),
      ),
    }),
  },
});

export const getTestimonialRequest = defineRoute({
  method: 'GET',
  path: '/v1/testimonial-requests/{requestId}',
  access: ['marketer'],
  summary: 'A testimonial request and where its link stands',
  params: requestParams,
  responses: { 200: requestView },
});

export const revokeTestimonialRequest = defineRoute({
  method: 'POST',
  path: '/v1/testimonial-requests/{requestId}/revoke',
  access: ['marketer'],
  summary: 'Revoke a request link not yet used (409 once used)',
  params: requestParams,
  responses: { 200: requestView },
});

export const regenerateTestimonialRequest = defineRoute({
  method: 'POST',
  path: '/v1/testimonial-requests/{requestId}/regenerate',
  access: ['marketer'],
  summary: 'A new link for a request not yet used: the old one stops working at once, the new one is announced',
  params: requestParams,
  responses: { 200: requestView.extend({ link: z.url() }) },
});

export const testimonialForm = defineRoute({
  method: 'GET',
  path: '/t/{token}',
  access: ['public'],
  summary: 'The form a request link opens: rating, words, name and the consent choice (HTML)',
  params: z.object({ token }),
  responses: { 200: z.string(), 404: z.string(), 410: z.string() },
});

export const submitTestimonial = defineRoute({
  method: 'POST',
  path: '/v1/testimonials',
  access: ['public'],
  summary: 'Submit a testimonial with its one-time token; it starts pending (410 once the link is used, expired or revoked)',
  body: z.strictObject({
    token,
    rating: z.number().int('must be a whole number').min(1).max(5),
    text: z.string().trim().min(TESTIMONIAL_LIMITS.textMin).max(TESTIMONIAL_LIMITS.textMax),
    displayName: plainText(TESTIMONIAL_LIMITS.displayNameMax),
    title: plainText(TESTIMONIAL_LIMITS.titleMax).optional(),
    company: plainText(TESTIMONIAL_LIMITS.companyMax).optional(),
    avatarUrl: z
      .url({ protocol: /^https$/, error: 'must be an https URL' })
      .max(TESTIMONIAL_LIMITS.avatarUrlMax)
      .optional(),
    consent,
    consentVersion: z.number().int().positive().optional(),
  }),
  responses: { 201: z.object({ testimonialId: z.string(), status: z.literal('pending'), consent, consentVersion: count }) },
});

const moderationView = z.object({ decision: z.enum(['approved', 'rejected']), by: z.string(), at: timestamp, reason: z.string().optional() });

export const testimonialView = z.object({
  testimonialId: z.string(),
  requestId: z.string(),
  customerId: z.string(),
  rating: count,
  text: z.string(),
  displayName: z.string(),
  title: z.string().optional(),
  company: z.string().optional(),
  avatarUrl: z.string().optional(),
  consent,
  consentVersion: count,
  consentText: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']),
  submittedAt: timestamp,
  moderation: z.array(moderationView),
  tags: z.array(z.string()),
  featured: z.boolean(),
  sortOrder: count,
  withdrawnAt: timestamp.optional(),
  withdrawnBy: z.enum(['customer', 'link', 'erasure']).optional(),
});

export const moderationQuery = z.strictObject({
  ...listingQuery.shape,
  status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']).default('pending'),
  tag: tag.transform((value) => value.toLowerCase()).optional(),
  rating: z
    .string()
    .regex(/^[1-5]$/, 'must be a whole number from 1 to 5')
    .transform(Number)
    .optional(),
});

export const listTestimonials = defineRoute({
  method: 'GET',
  path: '/v1/testimonials',
  access: ['marketer'],
  summary: 'Testimonials by status (default pending: the moderation queue), newest first, optionally by tag and rating',
  query: moderationQuery,
  responses: { 200: listingOf(testimonialView) },
});

export const getTestimonial = defineRoute({
  method: 'GET',
  path: '/v1/testimonials/{testimonialId}',
  access: ['marketer'],
  summary: 'One testimonial with its consent, moderation history and curation',
  params: testimonialParams,
  responses: { 200: testimonialView },
});

export const approveTestimonial = defineRoute({
  method: 'POST',
  path: '/v1/testimonials/{testimonialId}/approve',
  access: ['marketer'],
  summary: 'Approve a testimonial (publishable ones then show on walls); 409 once withdrawn',
  params: testimonialParams,
  responses: { 200: testimonialView },
});

export const rejectTestimonial = defineRoute({
  method: 'POST',
  path: '/v1/testimonials/{testimonialId}/reject',
  access: ['marketer'],
  summary: 'Reject a testimonial with a reason (abuse, personal data…): a marketer decision, never for a low rating alone',
  params: testimonialParams,
  body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
  responses: { 200: testimonialView },
});

export const curateTestimonial = defineRoute({
  method: 'PATCH',
  path: '/v1/testimonials/{testimonialId}',
  access: ['marketer'],
  summary: "Change a testimonial's tags, featured flag or sort order",
  params: testimonialParams,
  body: z
    .strictObject({
      tags: z.array(tag).max(MAX_TAGS).optional(),
      featured: z.boolean().optional(),
      sortOrder: z.number().int().min(0).max(MAX_SORT_ORDER).optional(),
    })
    .refine((change) => change.tags !== undefined || change.featured !== undefined || change.sortOrder !== undefined, 'must change tags, featured or sortOrder'),
  responses: { 200: testimonialView },
});

export const withdrawOwnTestimonial = defineRoute({
  method: 'POST',
  path: '/v1/customers/{customerId}/testimonials/{testimonialId}/withdraw',
  access: ['customer'],
  summary: 'The customer withdraws their consent: the testimonial leaves every wall at once',
  params: customerParams.extend({ testimonialId }),
  responses: { 200: testimonialView.pick({ testimonialId: true, status: true, withdrawnAt: true, withdrawnBy: true }) },
});

export const withdrawByLink = defineRoute({
  method: 'POST',
  path: '/v1/testimonials/withdrawals',
  access: ['public'],
  summary: 'Withdraw a testimonial with the one-time link it was submitted with (valid for this at any time)',
  body: z.strictObject({ token }),
  responses: { 200: testimonialView.pick({ testimonialId: true, status: true, withdrawnAt: true, withdrawnBy: true }) },
});

export const listCustomerTestimonials = defineRoute({
  method: 'GET',
  path: '/v1/customers/{customerId}/testimonials',
  access: ['customer', 'marketer'],
  summary: "A customer's testimonials and requests, newest first",
  params: customerParams,
  responses: {
    200: z.object({
      testimonials: z.array(testimonialView.pick({ testimonialId: true, rating: true, text: true, displayName: true, consent: true, status: true, submittedAt: true, withdrawnAt: true })),
      requests: z.array(requestView),
    }),
  },
});

const wallInput = z.strictObject({
  name: plainText(80),
  tags: z.array(tag).max(MAX_TAGS).default([]),
  featuredOnly: z.boolean().default(false),
  limit: z.number().int().min(1).max(MAX_WALL_LIMIT).default(50),
});
const wallView = z.object({ wallId, name: z.string(), tags: z.array(z.string()), featuredOnly: z.boolean(), limit: count, updatedAt: timestamp, updatedBy: z.string(), version: count });

export const listWalls = defineRoute({
  method: 'GET',
  path: '/v1/walls',
  access: ['marketer'],
  summary: 'Every wall (the `default` wall always exists)',
  responses: { 200: z.object({ items: z.array(wallView) }) },
});

export const putWall = defineRoute({
  method: 'PUT',
  path: '/v1/walls/{wallId}',
  access: ['marketer'],
  summary: 'Create or change a wall: a named selection by tags, featured only, and a limit',
  params: wallParams,
  body: wallInput,
  responses: { 200: wallView },
});

export const deleteWall = defineRoute({
  method: 'DELETE',
  path: '/v1/walls/{wallId}',
  access: ['marketer'],
  summary: 'Delete a wall (not `default`)',
  params: wallParams,
  responses: { 204: null },
});

export const wallEntryView = z.object({
  testimonialId: z.string(),
  rating: count,
  text: z.string(),
  displayName: z.string().nullable(),
  title: z.string().optional(),
  company: z.string().optional(),
  avatarUrl: z.string().optional(),
  featured: z.boolean(),
  submittedAt: timestamp,
});

export const showWall = defineRoute({
  method: 'GET',
  path: '/v1/walls/{wallId}',
  access: ['public'],
  summary: 'A wall as the public sees it: approved, consented, not withdrawn; anonymous ones without a name (ETag, max-age=60)',
  params: wallParams,
  responses: { 200: z.object({ wallId, name: z.string(), count, testimonials: z.array(wallEntryView) }), 304: null },
  openCors: true,
});

export const wallWidget = defineRoute({
  method: 'GET',
  path: '/w/{file}',
  access: ['public'],
  summary: 'The wall-of-love widget script (loyalty-wall.js): <script type="module"> and <loyalty-wall wall-id="…">',
  params: z.object({ file: z.string().min(1).max(100) }),
  responses: { 200: z.string(), 304: null },
  openCors: true,
});

const reasonView = z.object({ factor: z.enum(['promoter', 'testimonial', 'tier', 'spend', 'tenure', 'referrals']), points: count, maxPoints: count, detail: z.string(), value: z.number() });
const noteView = z.object({ at: timestamp, by: z.string(), text: z.string(), from: stage.optional(), to: stage.optional() });
export const candidateView = z.object({
  customerId: z.string(),
  score: count,
  reasons: z.array(reasonView),
  exclusions: z.array(z.object({ factor: z.enum(['refund', 'detractor']), at: timestamp, until: timestamp, detail: z.string() })),
  excludedNow: z.boolean(),
  numbers: z.object({
    promoterAnswers: count,
    lastPromoterAt: timestamp.optional(),
    tier: z.string().optional(),
    orders: count,
    spendMinor: z.record(z.string(), count),
    refundedMinor: z.record(z.string(), count),
    firstPurchaseAt: timestamp.optional(),
    lastPurchaseAt: timestamp.optional(),
    referralsRewarded: count,
    approvedPublicTestimonials: count,
    approvedAnonymousTestimonials: count,
  }),
  stage,
  notes: z.array(noteView).optional(),
  scoredAt: timestamp,
});

export const listCandidates = defineRoute({
  method: 'GET',
  path: '/v1/case-study-candidates',
  access: ['marketer'],
  summary: 'Case-study candidates, highest score first, each with its reasons and the numbers behind them',
  query: listingQuery,
  responses: { 200: listingOf(candidateView) },
});

export const getCandidate = defineRoute({
  method: 'GET',
  path: '/v1/case-study-candidates/{customerId}',
  access: ['marketer'],
  summary: "One customer's case-study score, reasons, stage and notes",
  params: customerParams,
  responses: { 200: candidateView },
});

export const moveCandidate = defineRoute({
  method: 'POST',
  path: '/v1/case-study-candidates/{customerId}/stage',
  access: ['marketer'],
  summary: 'Move a candidate: candidate → contacted → interviewing → published | declined (409 for any other move)',
  params: customerParams,
  body: z.strictObject({ stage, note: z.string().trim().min(1).max(2000).optional() }),
  responses: { 200: candidateView },
});

export const noteCandidate = defineRoute({
  method: 'POST',
  path: '/v1/case-study-candidates/{customerId}/notes',
  access: ['marketer'],
  summary: "Add a note to a candidate's case study",
  params: customerParams,
  body: z.strictObject({ text: z.string().trim().min(1).max(2000) }),
  responses: { 201: candidateView },
});
