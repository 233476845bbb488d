import * as z from 'zod';
import { customerParams, identifier } from '../../shared/domain/identifiers';
import { listingOf, listingQuery, timestamp } from '../../shared/http/responses';
import { defineRoute } from '../../shared/http/route';
import { referralProgramInput, storedReferralProgram } from './domain/program';
import { REFERRAL_STATUSES } from './domain/referral';

/** The referrals API: personal codes and share links, attribution, the review queue, and the referral program. */
const count = z.number().int();
const stats = z.object({
  clicks: count,
  referred: count,
  pending: count,
  flagged: count,
  qualified: count,
  rewarded: count,
  rejected: count,
  expired: count,
  pendingRewardPoints: count,
});

export const referralCodeView = z.object({
  customerId: z.string(),
  code: z.string(),
  status: z.enum(['active', 'blocked', 'rotated']),
  /** The share link: GET /r/{code} counts the click and redirects to the program's landing page. */
  link: z.url(),
  createdAt: timestamp,
  stats,
});

const status = z.enum(REFERRAL_STATUSES as ['attributed', ...('pending' | 'flagged' | 'qualified' | 'rewarded' | 'rejected' | 'expired')[]]);

export const referralView = z.object({
  referralId: z.string(),
  code: z.string(),
  advocateCustomerId: z.string(),
  refereeCustomerId: z.string(),
  status,
  via: z.enum(['purchase', 'signup']),
  attributedAt: timestamp,
  windowEndsAt: timestamp.optional(),
  order: z.object({ storeId: z.string(), orderId: z.string(), amountMinor: count, currency: z.string(), occurredAt: timestamp }).optional(),
  holdUntil: timestamp.optional(),
  flags: z.array(z.object({ rule: z.string(), reason: z.string(), at: timestamp })),
  rejection: z.object({ reason: z.string(), rule: z.string().optional(), by: z.string(), at: timestamp }).optional(),
  welcomeOffered: z.boolean(),
  rewardedAt: timestamp.optional(),
  /** Whether a network hash (from the signup call's ip) was recorded: the network velocity rule applies only then. */
  networkKnown: z.boolean(),
  programVersion: count,
  updatedAt: timestamp,
});

const historyEntry = z.object({ seq: count, at: timestamp, status, event: z.string(), reason: z.string(), rule: z.string().optional(), by: z.string() });
const referralParams = z.object({ referralId: z.string().regex(/^rf_[A-Za-z0-9_-]{8,40}$/, 'must be a referral id like rf_…') });
const codeParams = z.object({ code: z.string().min(1).max(40) });
const reason = z.string().trim().min(1, 'must not be empty').max(500);

export const ensureReferralCode = defineRoute({
  method: 'POST',
  path: '/v1/customers/{customerId}/referral-code',
  access: ['storefront', 'customer', 'marketer'],
  summary: "The customer's active referral code and share link, created if they have none (idempotent)",
  params: customerParams,
  body: z.strictObject({
    /** A name to start the code with (ANNA-7KQ2); letters only are kept. Without one, the program's codePrefix. */
    name: z.string().max(64).optional(),
    /** The advocate's email, so the self-referral rule knows it (only a salted hash is stored). */
    email: z.email({ error: 'must be an email address' }).max(254).optional(),
  }),
  responses: { 200: referralCodeView, 201: referralCodeView },
});

export const getReferralCode = defineRoute({
  method: 'GET',
  path: '/v1/customers/{customerId}/referral-code',
  access: ['storefront', 'customer', 'marketer'],
  summary: "The customer's active referral code with the advocate's stats (404 if they have none)",
  params: customerParams,
  responses: { 200: referralCodeView },
});

export const blockReferralCode = defineRoute({
  method: 'POST',
  path: '/v1/referral-codes/{code}/block',
  access: ['marketer'],
  summary: 'Block a code: it never attributes again (the advocate may get a new one unless banned)',
  params: codeParams,
  body: z.strictObject({ reason }),
  responses: { 200: z.object({ code: z.string(), customerId: z.string(), status: z.literal('blocked'), reason: z.string(), changedAt: timestamp, changedBy: z.string() }) },
});

export const rotateReferralCode = defineRoute({
  method: 'POST',
  path: '/v1/referral-codes/{code}/rotate',
  access: ['marketer'],
  summary: 'Replace an active code with a new one; the old one stops attributing',
  params: codeParams,
  responses: { 200: referralCodeView.extend({ previousCode: z.string() }) },
});

export const followReferralLink = defineRoute({
  method: 'GET',
  path: '/r/{code}',
  access: ['public'],
  summary: "A share link: counts the click (per network, rate-limited) and redirects to the landing page with ?ref=<code>",
  params: codeParams,
  responses: { 302: null },
});

export const createReferral = defineRoute({
  method: 'POST',
  path: '/v1/referrals',
  access: ['storefront'],
  summary: 'Attribute a signup to a code before any purchase (the first valid attribution wins)',
  body: z.strictObject({
    code: z.string().min(1).max(40),
    refereeCustomerId: identifier,
    refereeEmail: z.email({ error: 'must be an email address' }).max(254).optional(),
    /** The friend's IP address, for the network velocity rule (only a salted hash is stored). */
    ip: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
    userAgent: z.string().max(512).optional(),
  }),
  responses: { 200: referralView, 201: referralView },
});

export const listReferralsQuery = listingQuery.extend({ status: status.optional(), advocateCustomerId: identifier.optional() });

export const listReferrals = defineRoute({
  method: 'GET',
  path: '/v1/referrals',
  access: ['marketer'],
  summary: 'Referrals by status (status=flagged is the review queue) or by advocate, newest first',
  query: listReferralsQuery,
  responses: { 200: listingOf(referralView) },
});

export const getReferral = defineRoute({
  method: 'GET',
  path: '/v1/referrals/{referralId}',
  access: ['marketer'],
  summary: 'A referral with its history: every transition with its reason and the rule that made it',
  params: referralParams,
  responses: { 200: referralView.extend({ history: z.array(historyEntry) }) },
});

export const approveReferral = defineRoute({
  method: 'POST',
  path: '/v1/referrals/{referralId}/approve',
  access: ['marketer'],
  summary: 'Approve a flagged referral: pending until its hold ends, or rewarded at once if it has',
  params: referralParams,
  responses: { 200: referralView },
});

export const rejectReferral = defineRoute({
  method: 'POST',
  path: '/v1/referrals/{referralId}/reject',
  access: ['marketer'],
  summary: 'Reject an open (attributed, pending or flagged) referral, with the reason',
  params: referralParams,
  body: z.strictObject({ reason }),
  responses: { 200: referralView },
});

export const banAdvocate = defineRoute({
  method: 'POST',
  path: '/v1/referral-advocates/{customerId}/ban',
  access: ['marketer'],
  summary: "Ban an advocate: their code is blocked, nothing of theirs is rewarded, their open referrals are rejected",
  params: customerParams,
  body: z.strictObject({ reason }),
  responses: { 200: z.object({ customerId: z.string(), banned: z.literal(true), voided: count, remaining: z.boolean() }) },
});

export const getReferralProgram = defineRoute({
  method: 'GET',
  path: '/v1/referral-program',
  access: ['marketer'],
  summary: 'The referral program (404 until one is saved)',
  responses: { 200: storedReferralProgram },
});

export const putReferralProgram = defineRoute({
  method: 'PUT',
  path: '/v1/referral-program',
  access: ['marketer'],
  summary: 'Save the referral program as a new version',
  body: referralProgramInput,
  responses: { 200: storedReferralProgram },
});

